import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runAgent, type BucketProbe } from '../cli/agent/agent-loop.js';
import { DiskBuffer } from '../cli/agent/disk-buffer.js';
import { NodeClient } from '../cli/agent/node-client.js';
import type { ProbeResult } from '../cli/agent/probe.js';
import { observe, type DemoTimeline } from './demo-behaviour.js';
import { DEMO_UPGRADE, type DemoNode } from './demo-fleet.js';
import type { DemoBucket, RegisteredNode } from './demo-setup.js';

export interface LiveFleetOptions {
  baseUrl: string;
  nodes: readonly RegisteredNode[];
  buckets: readonly DemoBucket[];
  timeline: DemoTimeline;
  /** Between two status reports of one node. */
  intervalMs: number;
  /** Where each node's agent keeps what it could not deliver yet. */
  bufferDir: string;
  /** The agents' lines worth showing (failures); registrations and healthy cycles are left out. */
  log: (line: string) => void;
}

export interface LiveFleet {
  /** Stops every sender after its request in flight; resolves when all have stopped. */
  stop(): Promise<void>;
}

/**
 * The agent loop's lines when all is well: nothing a person watching the
 * demo needs to read every 5 s. Anything else (a failure, a rejection, a
 * buffer filling up) is shown; a change of wording shows more, not less.
 */
const ROUTINE = [/^registered node /, /^cycle \d+: .*; sent \d+, accepted \d+, duplicates 0, rejected 0, buffered 0$/];

/** The version a node runs now: the upgraded one has moved on. */
export function currentVersion(node: DemoNode): string {
  return node.trait === 'upgraded' ? DEMO_UPGRADE.to : node.version;
}

/**
 * The probe of a simulated node: instead of an HTTP GET of the storage, the
 * fleet's model says what the node sees now. A node in an outage cannot
 * report at all, which the model says with null; the agent loop always
 * reports, so live it reads as OFFLINE (the model has no live outages).
 */
function simulatedProbe(node: RegisteredNode, nodeIndex: number, bucketIndexOf: Map<string, number>, timeline: DemoTimeline) {
  return async (url: string): Promise<ProbeResult> => {
    const seen = observe(node, nodeIndex, bucketIndexOf.get(url) ?? 0, Date.now(), timeline);
    return seen ? { ...seen, detail: 'simulated' } : { status: 'OFFLINE', latencyMs: null, detail: 'simulated outage' };
  };
}

/**
 * Runs each simulated node as a real bridge-node agent (`runAgent`, the code
 * behind `fbstats agent run`): it registers with a signed `POST /node/register`,
 * then every `intervalMs` sends a signed `POST /node/status` about both
 * buckets, buffering on disk whatever the service did not take.
 *
 * @example
 * const live = await startLiveFleet({ baseUrl, nodes, buckets, timeline, intervalMs: 5000, bufferDir, log });
 * await live.stop();
 */
export async function startLiveFleet(options: LiveFleetOptions): Promise<LiveFleet> {
  await mkdir(options.bufferDir, { recursive: true });
  const stopping = new AbortController();
  // The probe "URL" only has to tell the buckets apart.
  const probes: BucketProbe[] = options.buckets.map((bucket) => ({ bucketId: bucket.id, url: `simulated://${bucket.id}` }));
  const bucketIndexOf = new Map(probes.map((probe, index) => [probe.url, index]));
  const agents = options.nodes.map(async (node, nodeIndex) => {
    const log = (line: string): void => {
      if (!ROUTINE.some((pattern) => pattern.test(line))) options.log(`${node.name}: ${line}`);
    };
    const client = new NodeClient({ serviceUrl: options.baseUrl, nodeId: node.id, privateKey: node.privateKey });
    const buffer = await DiskBuffer.open(join(options.bufferDir, `${node.region}-${node.provider}.ndjson`), 10_000, log);
    const registration = {
      ip: node.ip,
      region: node.region,
      provider: node.provider,
      version: currentVersion(node),
      host: node.host,
    };
    await runAgent(
      { registration, buckets: probes, intervalMs: options.intervalMs, probeTimeoutMs: options.intervalMs },
      { client, buffer, log, signal: stopping.signal, probe: simulatedProbe(node, nodeIndex, bucketIndexOf, options.timeline) },
    );
  });
  // A sender that fails (a refused registration) must not go unnoticed, nor take the others down.
  const finished = Promise.allSettled(agents).then((results) => {
    for (const result of results) {
      if (result.status === 'rejected') options.log(`a live sender stopped: ${(result.reason as Error).message}`);
    }
  });
  return {
    stop: async () => {
      stopping.abort();
      await finished;
    },
  };
}
