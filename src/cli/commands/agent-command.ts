import type { Command } from 'commander';
import { runAgent } from '../agent/agent-loop.js';
import { collect, countOption, parseBucketProbe, secondsOption } from '../agent/agent-options.js';
import { DiskBuffer } from '../agent/disk-buffer.js';
import { NodeClient } from '../agent/node-client.js';
import { loadNodePrivateKey, writeNodeKeys } from '../agent/node-keys.js';
import { UsageError } from '../cli-errors.js';
import type { CommandContext } from '../command-context.js';
import { packageVersion } from '../package-version.js';

const RUN_HELP = `
Example:
  $ fbstats agent keygen --out /etc/fbstats-agent
  $ fbstats node create --ip 10.0.0.5 --host node-5.example.com --region us-east-1 --provider aws \\
      --version 1.2.3 --public-key /etc/fbstats-agent/node.pub        # the operator; prints the node id
  $ fbstats agent run --service https://stats.example.com --node-id <node id> --key /etc/fbstats-agent/node.key \\
      --ip 10.0.0.5 --region us-east-1 --provider aws --bucket <bucket id>=https://s3.us-east-1.amazonaws.com/invoices`;

interface RunOptions {
  service?: string;
  nodeId: string;
  key: string;
  ip: string;
  region: string;
  provider: string;
  host?: string;
  version?: string;
  bucket: string[];
  interval: string;
  timeout: string;
  buffer: string;
  bufferMax: string;
}

/**
 * `fbstats agent keygen --out DIR` and `fbstats agent run ...`: the bridge
 * node's key pair, and its probe-and-report loop.
 *
 * @example
 * registerAgentCommands(program, context);
 */
export function registerAgentCommands(program: Command, context: CommandContext): void {
  const agent = program.command('agent').description('the bridge-node agent: probes buckets and reports to the service');

  agent
    .command('keygen')
    .description("write a node's Ed25519 key pair: DIR/node.key (private, mode 600) and DIR/node.pub; prints the public key")
    .requiredOption('--out <dir>', 'the directory for node.key and node.pub (created if missing)')
    .action(async (options: { out: string }) => {
      const keys = await writeNodeKeys(options.out);
      context.err(
        `wrote ${keys.privateKeyPath} and ${keys.publicKeyPath}; register the node with: fbstats node create ... --public-key ${keys.publicKeyPath}`,
      );
      context.io.stdout.write(keys.publicKeyPem);
    });

  agent
    .command('run')
    .description('register, then every interval probe each bucket and report to the service; stops cleanly on SIGINT/SIGTERM')
    .option('--service <url>', 'the service (default: --url, FBSTATS_URL or http://127.0.0.1:3000)')
    .requiredOption('--node-id <id>', 'the node id from `fbstats node create`')
    .requiredOption('--key <file>', "the node's private key (node.key from `fbstats agent keygen`)")
    .requiredOption('--ip <ip>', "the node's IP address, registered at start")
    .requiredOption('--region <region>', "the node's region")
    .requiredOption('--provider <provider>', "the node's provider")
    .option('--host <host>', "the node's host name pattern (default: as created)")
    .option('--version <version>', "the node's software version (default: this fbstats's version)")
    .option('--bucket <bucketId=url>', 'a bucket and the storage URL to probe for it; repeat for each bucket', collect, [])
    .option('--interval <seconds>', 'seconds between probes', '60')
    .option('--timeout <seconds>', 'seconds a probe may take before the bucket counts as OFFLINE', '5')
    .option('--buffer <file>', 'undelivered entries, kept across restarts', './fbstats-agent-buffer.ndjson')
    .option('--buffer-max <n>', 'the most entries kept in the buffer; the oldest go first', '100000')
    .addHelpText('after', RUN_HELP)
    .action(async (options: RunOptions, command: Command) => {
      if (options.bucket.length === 0) throw new UsageError('agent run needs at least one --bucket <bucketId>=<probe URL>');
      const buckets = options.bucket.map(parseBucketProbe);
      const intervalMs = secondsOption('--interval', options.interval);
      const probeTimeoutMs = secondsOption('--timeout', options.timeout);
      const bufferMax = countOption('--buffer-max', options.bufferMax);
      const serviceUrl = options.service ?? context.serviceUrl(command);
      const log = (line: string): void => context.err(`${new Date(context.io.now()).toISOString()} ${line}`);
      const client = new NodeClient({
        serviceUrl,
        nodeId: options.nodeId,
        privateKey: await loadNodePrivateKey(options.key),
        ...(context.io.fetch && { fetch: context.io.fetch }),
      });
      const buffer = await DiskBuffer.open(options.buffer, bufferMax, log);
      const registration = {
        ip: options.ip,
        region: options.region,
        provider: options.provider,
        version: options.version ?? packageVersion(),
        ...(options.host !== undefined && { host: options.host }),
      };
      log(
        `reporting on ${buckets.length} buckets to ${serviceUrl} every ${intervalMs / 1000} s; ${buffer.size} entries buffered`,
      );
      const summary = await runAgent(
        { registration, buckets, intervalMs, probeTimeoutMs },
        { client, buffer, log, signal: context.io.interruption() },
      );
      log(`stopped after ${summary.cycles} cycles; ${summary.buffered} entries kept in ${options.buffer}`);
    });
}
