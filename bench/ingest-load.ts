import type { BenchNode } from './seed-history.js';
import { sendStatus } from './signed-status.js';

export interface IngestLoadResult {
  entriesPerSecond: number;
  requests: number;
  failures: number;
}

/**
 * Signed `/node/status` requests of one entry per bucket from each node,
 * the nodes sending concurrently, each node's requests in order.
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
  const deadline = Date.now() + seconds * 1000;
  let accepted = 0;
  let requests = 0;
  let failures = 0;
  const started = Date.now();
  await Promise.all(
    nodes.map(async (node) => {
      let timestamp = 0;
      // Each request measures one ms later than the previous one, all within today.
      let createdAt = Date.now() - 3_600_000;
      while (Date.now() < deadline) {
        timestamp = Math.max(Date.now(), timestamp + 1);
        const at = new Date(createdAt++).toISOString();
        const stored = await sendStatus(
          baseUrl,
          node,
          timestamp,
          buckets.map((bucketId, i) => ({ bucketId, status: 'ONLINE', latencyMs: 10 + (i % 50), createdAt: at })),
        );
        requests++;
        if (stored === null) failures++;
        else accepted += stored;
      }
    }),
  );
  return { entriesPerSecond: accepted / ((Date.now() - started) / 1000), requests, failures };
}
