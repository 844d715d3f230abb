import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { summarizeDay } from '../src/stats/day-summary.js';
import type { Report } from '../src/stats/node-status.js';
import { BucketSpanCache } from '../src/store/bucket-span-cache.js';
import { ensureRollupsMatch } from '../src/store/rollup-rebuild.js';
import { StoreEvents } from '../src/store/store-events.js';
import { DAY_MS, dayOf } from '../src/time/instant.js';
import { rollupsAsRead, stageInStore, storeForTests } from './helpers/store-fixtures.js';
import { STORE_KINDS } from './helpers/test-stores.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('the per-bucket caches stay bounded, whatever the number of buckets', () => {
  it('holds keys and change instants for a bounded number of buckets after 200 000 buckets were touched', () => {
    const events = new StoreEvents();
    const cache = new BucketSpanCache<string>(events, { dropOnNodeChange: true, maxSize: 1_000, sizeOf: () => 1 });
    const start = heapUsed();
    for (let i = 0; i < 200_000; i++) {
      const bucketId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      cache.set(bucketId, 19_800, 19_807, 'answer', cache.generation());
      events.emit('reports', bucketId, [19_807]);
      cache.set(bucketId, 19_790, 19_799, 'older days', cache.generation());
    }
    const grown = heapUsed() - start;
    const tracked = cache.trackedBuckets();
    assert.ok(tracked.withValues <= 1_000, `keys kept for ${tracked.withValues} buckets`);
    assert.ok(tracked.withChanges <= 10_000, `changes kept for ${tracked.withChanges} buckets`);
    assert.ok(grown < 8 * 2 ** 20, `the heap grew by ${(grown / 2 ** 20).toFixed(1)} MB`);
  });
});

for (const kind of STORE_KINDS) {
  describe(`rebuilding rollups (${kind})`, () => {
    const t = storeForTests(kind);

    it('summarizes a day of many reports in one pass, in time linear in their number', async () => {
      const { store } = t;
      const now = Date.parse('2024-03-20T00:00:00.000Z');
      const { bucketId, nodeId } = await stageInStore(store, now);
      // 30 000 reports in one UTC day (one every 2.88 s): copying the day's list per report, as before,
      // took tens of seconds here; one pass takes a fraction of one.
      const reports: Report[] = Array.from({ length: 30_000 }, (_, i) => ({
        at: now + i * 2_880,
        status: i % 1_000 === 999 ? 'OFFLINE' : 'ONLINE',
        latencyMs: i % 40,
      }));
      for (let i = 0; i < reports.length; i += 10_000) {
        await store.reports.ingest(reports.slice(i, i + 10_000).map((r) => ({ nodeId, bucketId, ...r })));
      }
      const started = Date.now();
      await ensureRollupsMatch(store.db, 60_000, () => undefined);
      const tookMs = Date.now() - started;
      const rows = await store.db.selectFrom('daily_rollups').selectAll().execute();
      const asRead = await rollupsAsRead(store);
      assert.deepEqual(
        rows.map((row) => [row.day, asRead.get(`${row.series_id}/${row.day}`)]),
        [[dayOf(now), summarizeDay(reports, 60_000)]],
      );
      assert.ok(reports.every((r) => r.at < now + DAY_MS));
      assert.ok(tookMs < 8_000, `the rebuild took ${tookMs} ms`);
    });
  });
}
