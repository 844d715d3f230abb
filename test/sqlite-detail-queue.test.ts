import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { summarizeDay } from '../src/stats/day-summary.js';
import type { Report } from '../src/stats/node-status.js';
import { openServiceStore } from '../src/ingest/service-store.js';
import { migrationProvider } from '../src/store/migrations/migration-provider.js';
import { DAY_MS, dayOf } from '../src/time/instant.js';
import {
  keptDetailsOffPrefix,
  openStoreMigratedTo,
  rollupsAsRead,
  stageInStore,
  storeForTests,
  writeSeriesAsOfOld,
} from './helpers/store-fixtures.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-stores.js';

const STALE_MS = 180_000;
const now = Date.parse('2024-03-20T12:00:00.000Z');
const MIN = 60_000;

describe('SQLite: days appended to are listed, and their detail caught up a pass at a time (migration 010)', () => {
  const t = storeForTests('sqlite', STALE_MS);
  const listed = () => t.store.db.selectFrom('rollup_detail_queue').selectAll().orderBy('day').execute();

  it('lists each day once, keeps the listing across a restart, and catches every listed day up', async () => {
    const { bucketId, nodeId } = await stageInStore(t.store, now);
    const reports: Report[] = [-DAY_MS, -DAY_MS + MIN, -DAY_MS + 2 * MIN, 0, MIN, 2 * MIN].map((offset, i) => ({
      at: now + offset,
      status: i === 4 ? 'OFFLINE' : 'ONLINE',
      latencyMs: i === 4 ? null : 10 + i,
    }));
    // One request a report: the first of each day begins it (its detail saved whole), the others append.
    for (const r of reports) await t.store.reports.ingest([{ ...r, nodeId, bucketId }]);
    const [seriesId] = (await listed()).map((row) => row.series_id);
    assert.deepEqual(await listed(), [
      { series_id: seriesId, day: dayOf(now) - 1 },
      { series_id: seriesId, day: dayOf(now) },
    ]);

    await t.reopen();
    assert.equal((await listed()).length, 2, 'the listing is committed with the rollups it is for');
    const asRead = await rollupsAsRead(t.store);
    for (const day of [dayOf(now) - 1, dayOf(now)]) {
      const ofDay = reports.filter((r) => dayOf(r.at) === day);
      assert.deepEqual(asRead.get(`${seriesId}/${day}`), summarizeDay(ofDay, STALE_MS), 'readers add what the detail lacks');
    }

    assert.equal(await t.store.catchUpRollupDetail(), 2);
    assert.deepEqual(await listed(), []);
    const details = await t.store.db.selectFrom('rollup_details').select(['day', 'report_count']).orderBy('day').execute();
    assert.deepEqual(details, [
      { day: dayOf(now) - 1, report_count: 3 },
      { day: dayOf(now), report_count: 3 },
    ]);
    assert.deepEqual(await keptDetailsOffPrefix(t.store, STALE_MS), []);

    // Listed again by the next append, though the writer knew it as listed before the pass.
    await t.store.reports.ingest([{ nodeId, bucketId, at: now + 3 * MIN, status: 'ONLINE', latencyMs: 7 }]);
    assert.deepEqual(await listed(), [{ series_id: seriesId, day: dayOf(now) }]);
  });
});

describe('SQLite: migration 010 on a store whose reports wait in reports_recent', () => {
  let database: TestDatabase | undefined;
  after(async () => database?.drop());

  it('lists the days of those reports', async () => {
    database = await createTestDatabase('sqlite');
    const before010 = Object.keys(await migrationProvider.getMigrations())
      .sort()
      .filter((name) => name < '010')
      .at(-1) as string;
    const old = await openStoreMigratedTo(before010, database.url, STALE_MS);
    const { bucketId, nodeId } = await stageInStore(old, now);
    const reports: Report[] = [0, MIN, 2 * MIN].map((offset) => ({ at: now + offset, status: 'ONLINE', latencyMs: 5 }));
    await writeSeriesAsOfOld(old, bucketId, nodeId, reports, STALE_MS);
    // The last report as a live one left it: in reports_recent, not yet moved.
    await sql`insert into reports_recent select * from reports where at = ${now + 2 * MIN}`.execute(old.db);
    await sql`delete from reports where at = ${now + 2 * MIN}`.execute(old.db);
    const { id: seriesId } = await old.db.selectFrom('series').select('id').executeTakeFirstOrThrow();
    await old.close();

    const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: STALE_MS });
    try {
      assert.deepEqual(await store.db.selectFrom('rollup_detail_queue').selectAll().execute(), [
        { series_id: seriesId, day: dayOf(now) },
      ]);
      await store.catchUpRollupDetail();
      assert.deepEqual((await rollupsAsRead(store)).get(`${seriesId}/${dayOf(now)}`), summarizeDay(reports, STALE_MS));
      assert.deepEqual(await keptDetailsOffPrefix(store, STALE_MS), []);
    } finally {
      await store.close();
    }
  });
});
