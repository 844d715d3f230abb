import type { NodeStatus } from '../src/stats/node-status.js';
import type { NewReport } from '../src/ingest/report-ingest.js';
import type { ServiceStore } from '../src/ingest/service-store.js';
import { DAY_MS } from '../src/time/instant.js';
import { createBenchAccount, createBenchNodes, type BenchNode } from './bench-fleet.js';

export { USER_TOKEN, type BenchNode } from './bench-fleet.js';

export const NODES = 50;
export const DAYS = 30;
export const INGEST_NODES = 16;
export const INGEST_BUCKETS = 100;

export interface Seeded {
  /** 50 nodes × 30 days × one report a minute, ending now. */
  denseBucket: string;
  /** The same nodes, one report a day. */
  sparseBucket: string;
  ingestBuckets: string[];
  nodes: BenchNode[];
  reports: number;
}

const MINUTE = 60_000;

// A fleet that looks real enough: mostly ONLINE, a node down for an hour a
// day, latency following the time of day.
function reportAt(node: number, at: number): { status: NodeStatus; latencyMs: number | null } {
  const minuteOfDay = Math.floor((at % DAY_MS) / MINUTE);
  const down = node % 10 === 3 && minuteOfDay >= 600 && minuteOfDay < 660;
  if (down) return { status: 'OFFLINE', latencyMs: null };
  return { status: 'ONLINE', latencyMs: 20 + (node % 7) * 5 + Math.round(10 * Math.sin((minuteOfDay / 1440) * 2 * Math.PI)) };
}

/**
 * Fills a fresh store with the benchmark's history, through the same
 * `ReportIngest.ingest` the service uses, and prints progress.
 */
export async function seedHistory(store: ServiceStore, now: number, log: (line: string) => void, days = DAYS): Promise<Seeded> {
  const workspaceId = await createBenchAccount(store, now);
  const bucket = (name: string) =>
    store.buckets.create({ name, workspaceId, storageType: 'S3', bucket: null, endpoint: null, region: null }, now);
  const denseBucket = (await bucket('dense')).id;
  const sparseBucket = (await bucket('sparse')).id;
  const ingestBuckets: string[] = [];
  for (let i = 0; i < INGEST_BUCKETS; i++) ingestBuckets.push((await bucket(`ingest-${i}`)).id);

  const nodes = await createBenchNodes(store, NODES, now);

  const start = Math.floor(now / MINUTE) * MINUTE - days * DAY_MS;
  let reports = 0;
  let batch: NewReport[] = [];
  const flush = async (): Promise<void> => {
    reports += (await store.reports.ingest(batch)).accepted;
    batch = [];
  };
  const started = Date.now();
  for (let at = start; at < now; at += MINUTE) {
    nodes.forEach((node, i) => batch.push({ nodeId: node.id, bucketId: denseBucket, at, ...reportAt(i, at) }));
    if (at % DAY_MS === 12 * 60 * MINUTE) {
      nodes.forEach((node, i) => batch.push({ nodeId: node.id, bucketId: sparseBucket, at, ...reportAt(i, at) }));
    }
    if (batch.length >= 10_000) await flush();
    if ((at - start) % DAY_MS === 0 && at > start) {
      log(
        `  seeded day ${(at - start) / DAY_MS}/${days}: ${reports} reports, ${Math.round(reports / ((Date.now() - started) / 1000))}/s`,
      );
    }
  }
  await flush();
  return { denseBucket, sparseBucket, ingestBuckets, nodes, reports };
}
