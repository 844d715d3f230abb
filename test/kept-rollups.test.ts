import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../src/store/store.js';
import { stageInStore, storeForTests } from './helpers/store-fixtures.js';
import { STORE_KINDS } from './helpers/test-stores.js';

// On SQLite the writer keeps the rollup rows it wrote, to append the next live report without reading
// them again. These are the ways a kept row could go stale; each must leave the rollup equal to its reports.

const NOW = Date.parse('2024-03-20T12:00:00.000Z');
const MIN = 60_000;

async function rollupOf(store: Store, bucketId: string, nodeId: string) {
  return store.db
    .selectFrom('daily_rollups')
    .innerJoin('series', 'series.id', 'daily_rollups.series_id')
    .select([
      'series.id as seriesId',
      'daily_rollups.report_count',
      'daily_rollups.latency_sum',
      'daily_rollups.latency_count',
      'daily_rollups.first_at',
      'daily_rollups.last_at',
    ])
    .where('series.bucket_id', '=', bucketId)
    .where('series.node_id', '=', nodeId)
    .executeTakeFirstOrThrow();
}

for (const kind of STORE_KINDS) {
  describe(`rollups kept by the writer (${kind})`, () => {
    const t = storeForTests(kind);

    it('a bucket deleted and a new series given the same id start from nothing', async () => {
      const { store } = t;
      const { bucketId, nodeId } = await stageInStore(store, NOW);
      for (let i = 0; i < 3; i++) {
        await store.reports.ingest([{ nodeId, bucketId, at: NOW + i * MIN, status: 'ONLINE', latencyMs: 100 }]);
      }
      const old = await rollupOf(store, bucketId, nodeId);
      assert.equal(old.report_count, 3);
      const bucket = await store.buckets.find(bucketId);
      await store.buckets.delete(bucketId);

      const fields = { name: 'again', storageType: 'S3', bucket: null, endpoint: null, region: null };
      const again = (await store.buckets.create({ ...fields, workspaceId: bucket!.workspace_id }, NOW)).id;
      const result = await store.reports.ingest([
        { nodeId, bucketId: again, at: NOW + 5 * MIN, status: 'ONLINE', latencyMs: 10 },
      ]);
      assert.equal(result.accepted, 1);
      const fresh = await rollupOf(store, again, nodeId);
      // The new series gets a new id here (so this pins the answer, not the forgetting: the test below does that).
      assert.deepEqual(
        [fresh.report_count, fresh.latency_sum, fresh.latency_count, fresh.first_at, fresh.last_at],
        [1, 10, 1, NOW + 5 * MIN, NOW + 5 * MIN],
      );
    });

    it('a rollup changed by another statement is read again before the next report is appended', async () => {
      const { store } = t;
      const { bucketId, nodeId } = await stageInStore(store, NOW + 1);
      await store.reports.ingest([{ nodeId, bucketId, at: NOW, status: 'ONLINE', latencyMs: 100 }]);
      const { seriesId } = await rollupOf(store, bucketId, nodeId);
      // As the rebuild at start or a purge would: a statement routed to the writer, outside a group commit.
      await store.db.updateTable('daily_rollups').set({ latency_sum: 40 }).where('series_id', '=', seriesId).execute();
      await store.reports.ingest([{ nodeId, bucketId, at: NOW + MIN, status: 'ONLINE', latencyMs: 2 }]);
      const after = await rollupOf(store, bucketId, nodeId);
      assert.deepEqual([after.report_count, after.latency_sum, after.latency_count], [2, 42, 2]);
    });
  });
}
