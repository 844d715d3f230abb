import { randomUUID } from 'node:crypto';
import cliProgress from 'cli-progress';
import type { NewReport } from '../src/ingest/report-ingest.js';
import type { ServiceStore } from '../src/ingest/service-store.js';
import { createBenchAccount, createBenchNodes, type BenchNode } from './bench-fleet.js';

/** Nodes of the scale bench; each serves every bucket, so a bucket has this many series. */
export const SCALE_NODES = 10;
/** The history each series starts with: one report every `HISTORY_STEP_MS`, for `HISTORY_HOURS` up to now. */
export const HISTORY_HOURS = 48;
const HISTORY_STEP_MS = 3_600_000;

// store.reports.ingest groups at most 10 000 reports per transaction; a few
// batches in flight keep its group commits busy while the next is built.
const BATCH = 10_000;
const IN_FLIGHT = 4;
// Rows per multi-row INSERT of buckets: 8 columns, under SQLite's 32 766 variables.
const BUCKET_ROWS = 1_000;

export interface ScaleFleet {
  nodes: BenchNode[];
  buckets: string[];
}

export interface ScaleSeeded extends ScaleFleet {
  reports: number;
  seedSeconds: number;
}

/**
 * `buckets` buckets in one workspace, written in large multi-row INSERTs:
 * `store.buckets.create` writes one row per transaction, minutes for 100 000
 * buckets; the rows are the ones it writes.
 */
async function createBuckets(store: ServiceStore, workspaceId: string, count: number, now: number): Promise<string[]> {
  const ids: string[] = [];
  for (let from = 0; from < count; from += BUCKET_ROWS) {
    const rows = Array.from({ length: Math.min(BUCKET_ROWS, count - from) }, (_, i) => ({
      id: randomUUID(),
      workspace_id: workspaceId,
      name: `scale-${from + i}`,
      storage_type: 'S3',
      bucket: null,
      endpoint: null,
      region: null,
      created_at: now,
    }));
    await store.db.insertInto('buckets').values(rows).execute();
    ids.push(...rows.map((row) => row.id));
  }
  return ids;
}

/**
 * Fills a fresh store for `series` (node, bucket) series: `SCALE_NODES`
 * nodes, `series / SCALE_NODES` buckets, and for every series one report an
 * hour for the last `HISTORY_HOURS` hours (yesterday's rollups closed,
 * today's open), through the `store.reports.ingest` the service uses, in
 * batches of 10 000, with a progress bar on stderr.
 *
 * @example
 * const seeded = await seedScale(store, 10_000, Date.now());
 */
export async function seedScale(store: ServiceStore, series: number, now: number): Promise<ScaleSeeded> {
  const started = performance.now();
  const workspaceId = await createBenchAccount(store, now);
  const nodes = await createBenchNodes(store, SCALE_NODES, now);
  const buckets = await createBuckets(store, workspaceId, Math.ceil(series / SCALE_NODES), now);

  const steps = HISTORY_HOURS * (3_600_000 / HISTORY_STEP_MS);
  const firstAt = Math.floor(now / HISTORY_STEP_MS) * HISTORY_STEP_MS - (steps - 1) * HISTORY_STEP_MS;
  const bar = new cliProgress.SingleBar(
    {
      format: 'seeding {bar} {percentage}% | {value}/{total} reports | {speed} reports/s | eta {eta_formatted}',
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(steps * buckets.length * nodes.length, 0, { speed: 0 });
  let reports = 0;
  const inFlight = new Set<Promise<void>>();
  const send = async (batch: NewReport[]): Promise<void> => {
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    const written = store.reports.ingest(batch).then(({ accepted }) => {
      reports += accepted;
      inFlight.delete(written);
      bar.update(reports, { speed: Math.round(reports / ((performance.now() - started) / 1000)) });
    });
    inFlight.add(written);
  };
  // Series by series, its whole history in one batch: a day's rollup is
  // then computed once from its reports instead of appended to 24 times.
  let batch: NewReport[] = [];
  for (let b = 0; b < buckets.length; b++) {
    for (let n = 0; n < nodes.length; n++) {
      for (let step = 0; step < steps; step++) {
        // A node in ten is down for one report in twelve; latency varies by node and hour.
        const down = (b + n) % 10 === 3 && step % 12 === 5;
        batch.push({
          nodeId: (nodes[n] as BenchNode).id,
          bucketId: buckets[b] as string,
          at: firstAt + step * HISTORY_STEP_MS,
          status: down ? 'OFFLINE' : 'ONLINE',
          latencyMs: down ? null : 20 + ((b + n) % 7) * 5 + (step % 24),
        });
      }
      if (batch.length + steps > BATCH) {
        await send(batch);
        batch = [];
      }
    }
  }
  if (batch.length > 0) await send(batch);
  await Promise.all(inFlight);
  bar.stop();
  return { nodes, buckets, reports, seedSeconds: (performance.now() - started) / 1000 };
}
