import { readFile } from 'node:fs/promises';
import type { CreateNodeRequest } from '@flashback/bucket-stats-client';
import type { Command } from 'commander';
import { CliError } from '../cli-errors.js';
import { withServiceOptions, type CommandContext } from '../command-context.js';
import { JSON_OPTION_HELP } from './option-help.js';

/** The node's fields as options, `publicKey` being the file that holds the key. */
interface CreateOptions extends CreateNodeRequest {
  json?: boolean;
}

/**
 * The text of a file named on the command line, or a `CliError` saying why not.
 *
 * @example
 * const publicKey = await readTextFile(options.publicKey, 'the public key');
 */
export async function readTextFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}

/**
 * `fbstats node create ... --public-key FILE` (operator): registers a bridge
 * node with its Ed25519 public key (from `fbstats agent keygen`).
 *
 * @example
 * registerNodeCommands(program, context);
 */
export function registerNodeCommands(program: Command, context: CommandContext): void {
  const node = program.command('node').description('bridge nodes (operator token)');

  withServiceOptions(node.command('create'))
    .description('create a bridge node with its Ed25519 public key')
    .requiredOption('--ip <ip>', "the node's IPv4 or IPv6 address")
    .requiredOption('--host <host>', "the node's host name pattern, e.g. *-us-east-1-aws.flashback.tech")
    .requiredOption('--region <region>', "the node's region")
    .requiredOption('--provider <provider>', "the node's provider, e.g. aws")
    .requiredOption('--version <version>', "the node's software version")
    .requiredOption('--public-key <file>', 'its public key, PEM (SPKI), e.g. the node.pub of `fbstats agent keygen`')
    .option('--json', JSON_OPTION_HELP)
    .action(async (options: CreateOptions, command: Command) => {
      const publicKey = await readTextFile(options.publicKey, 'the public key');
      const answer = await context.service(command).createNode({
        ip: options.ip,
        host: options.host,
        region: options.region,
        provider: options.provider,
        version: options.version,
        publicKey,
      });
      context.print(options.json, answer, `created node ${answer.node.id} (${answer.node.host}, ${answer.node.ip})`);
    });
}
