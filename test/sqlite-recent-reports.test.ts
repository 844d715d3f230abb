import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { summarizeDay } from '../src/stats/day-summary.js';
import type { Report } from '../src/stats/node-status.js';
import { openServiceStore, type ServiceStore } from '../src/ingest/service-store.js';
import { dayOf } from '../src/time/instant.js';
import { rollupsAsRead, stageInStore } from './helpers/store-fixtures.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-stores.js';

const now = Date.parse('2024-03-20T12:00:00.000Z');
const staleAfterMs = 180_000;

async function count(store: ServiceStore, table: 'reports' | 'reports_recent' | 'all_reports'): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
  return Number(rows[0]?.n);
}

describe('SQLite: live reports land in reports_recent first (migration 004)', () => {
  let database: TestDatabase;
  let store: ServiceStore;
  let bucketId: string;
  let nodeId: string;
  before(async () => {
    database = await createTestDatabase('sqlite');
    store = await openServiceStore({ databaseUrl: database.url, staleAfterMs });
    ({ bucketId, nodeId } = await stageInStore(store, now));
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  const report = (at: number, latencyMs: number) => ({ nodeId, bucketId, at, status: 'ONLINE' as const, latencyMs });

  it('appends newer reports there, and checks any other against them as against the rest', async () => {
    assert.deepEqual(await store.reports.ingest([report(now, 10)]), { accepted: 1, duplicates: 0, bucketGone: [] });
    assert.deepEqual(await store.reports.ingest([report(now + 60_000, 20)]), { accepted: 1, duplicates: 0, bucketGone: [] });
    assert.equal(await count(store, 'reports_recent'), 2, 'each newer than every stored report of its day');
    assert.equal(await count(store, 'reports'), 0);

    // A repeat of a recent report, and one older than the day's last: checked against everything.
    assert.deepEqual(await store.reports.ingest([report(now + 60_000, 99)]), { accepted: 0, duplicates: 1, bucketGone: [] });
    assert.deepEqual(await store.reports.ingest([report(now - 60_000, 30), report(now, 10)]), {
      accepted: 1,
      duplicates: 1,
      bucketGone: [],
    });
    assert.equal(await count(store, 'reports_recent'), 0, 'moved into reports before the check');
    assert.equal(await count(store, 'reports'), 3);

    assert.deepEqual(await store.reports.ingest([report(now + 120_000, 40)]), { accepted: 1, duplicates: 0, bucketGone: [] });
    const stored: Report[] = [now - 60_000, now, now + 60_000, now + 120_000].map((at, i) => ({
      at,
      status: 'ONLINE',
      latencyMs: [30, 10, 20, 40][i] as number,
    }));
    const rollup = await store.db.selectFrom('daily_rollups').selectAll().where('day', '=', dayOf(now)).executeTakeFirstOrThrow();
    assert.deepEqual((await rollupsAsRead(store)).get(`${rollup.series_id}/${rollup.day}`), summarizeDay(stored, staleAfterMs));
    const { lastKept, ahead } = await store.stats.seriesAhead(rollup.series_id, dayOf(now), dayOf(now), now - 60_000 + 1);
    assert.deepEqual({ lastKept, ahead }, { lastKept: stored[0], ahead: stored.slice(1) }, 'readers see both tables');

    // Kept across a restart.
    await store.close();
    store = await openServiceStore({ databaseUrl: database.url, staleAfterMs });
    assert.equal(await count(store, 'all_reports'), 4);
    assert.equal(await count(store, 'reports_recent'), 1);
  });

  it('deleting the bucket removes its reports from both tables, and its rollups', async () => {
    assert.ok((await count(store, 'reports_recent')) > 0);
    await store.buckets.delete(bucketId);
    assert.equal(await count(store, 'all_reports'), 0);
    assert.deepEqual(await store.db.selectFrom('daily_rollups').selectAll().execute(), []);
  });
});
