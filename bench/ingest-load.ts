import type { BenchNode } from './seed-history.js';
import { postStatus, signStatus, type SignedStatus } from './signed-status.js';

export interface IngestLoadResult {
  entriesPerSecond: number;
  requests: number;
  failures: number;
  /** CPU the load generator itself used while sending, in cores (1 = one whole core). */
  generatorCores: number;
}

// Requests signed per node before the clock starts (more than any node sent
// in 10 s so far); a node that runs out signs the rest as it goes.
const SIGNED_AHEAD_PER_SECOND = 40;

/**
 * Signed `/node/status` requests of one entry per bucket from each node,
 * the nodes sending concurrently, each node's requests in order. The
 * requests are signed before the clock starts, so that the load generator,
 * which shares the machine's cores with the service, spends its time
 * sending rather than signing; the service verifies every one as usual.
 *
 * @example
 * const result = await signedIngestLoad('http://127.0.0.1:4000', nodes.slice(0, 16), buckets, 20);
 */
export async function signedIngestLoad(
  baseUrl: string,
  nodes: BenchNode[],
  buckets: string[],
  seconds: number,
): Promise<IngestLoadResult> {
  // Each request measures one ms later than the previous one, all within today,
  // and carries a timestamp one ms after the previous one (the replay guard).
  const firstTimestamp = Date.now();
  const firstCreatedAt = Date.now() - 3_600_000;
  const signedAt = (node: BenchNode, k: number): SignedStatus => {
    const at = new Date(firstCreatedAt + k).toISOString();
    return signStatus(
      node,
      firstTimestamp + k,
      buckets.map((bucketId, i) => ({ bucketId, status: 'ONLINE', latencyMs: 10 + (i % 50), createdAt: at })),
    );
  };
  const ahead = Math.ceil(seconds * SIGNED_AHEAD_PER_SECOND);
  const signed = nodes.map((node) => Array.from({ length: ahead }, (_, k) => signedAt(node, k)));

  const deadline = Date.now() + seconds * 1000;
  let accepted = 0;
  let requests = 0;
  let failures = 0;
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    nodes.map(async (node, n) => {
      for (let k = 0; Date.now() < deadline; k++) {
        const stored = await postStatus(baseUrl, signed[n]?.[k] ?? signedAt(node, k));
        requests++;
        if (stored === null) failures++;
        else accepted += stored;
      }
    }),
  );
  const elapsedMs = Date.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    entriesPerSecond: accepted / (elapsedMs / 1000),
    requests,
    failures,
    generatorCores: (cpu.user + cpu.system) / 1000 / elapsedMs,
  };
}
