import { sql } from 'kysely';
import type { NewReport } from '../../src/ingest/report-ingest.js';
import type { ServiceStore } from '../../src/ingest/service-store.js';

/** What a store still holds of a bucket: its series, and the rows no series owns any more. */
export interface BucketLeftovers {
  series: number;
  orphanReports: number;
  orphanRollups: number;
  /** Series of deleted buckets whose data is not all deleted yet. */
  pendingSeries: number;
}

/**
 * Counts what is left of `bucketId` in the store, in one read: after a
 * deletion has finished, every figure must be 0.
 *
 * @example
 * assert.deepEqual(await leftoversOf(store, bucketId), { series: 0, orphanReports: 0, orphanRollups: 0, pendingSeries: 0 });
 */
export async function leftoversOf(store: ServiceStore, bucketId: string): Promise<BucketLeftovers> {
  const { rows } = await sql<Record<keyof BucketLeftovers, number | string>>`
    select
      (select count(*) from series where bucket_id = ${bucketId}) as series,
      (select count(*) from all_reports where series_id not in (select id from series)) as "orphanReports",
      (select count(*) from daily_rollups where series_id not in (select id from series)) as "orphanRollups",
      (select count(*) from deleted_series) as "pendingSeries"`.execute(store.db);
  const row = rows[0];
  return {
    series: Number(row?.series),
    orphanReports: Number(row?.orphanReports),
    orphanRollups: Number(row?.orphanRollups),
    pendingSeries: Number(row?.pendingSeries),
  };
}

export const NOTHING_LEFT: BucketLeftovers = { series: 0, orphanReports: 0, orphanRollups: 0, pendingSeries: 0 };

/**
 * Stores `perNode` reports a minute apart for each node on `bucketId`,
 * ending at `until`, through the store's ingest in batches of 10 000.
 *
 * @example
 * await seedReports(store, bucketId, [nodeId], 20_000, Date.now());
 */
export async function seedReports(
  store: ServiceStore,
  bucketId: string,
  nodeIds: readonly string[],
  perNode: number,
  until: number,
): Promise<number> {
  let batch: NewReport[] = [];
  let stored = 0;
  for (let i = perNode; i >= 1; i--) {
    for (const nodeId of nodeIds) {
      batch.push({ nodeId, bucketId, at: until - i * 60_000, status: i % 97 === 0 ? 'OFFLINE' : 'ONLINE', latencyMs: i % 50 });
    }
    if (batch.length >= 10_000 || i === 1) {
      stored += (await store.reports.ingest(batch)).accepted;
      batch = [];
    }
  }
  return stored;
}
