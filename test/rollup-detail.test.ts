import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { lookbackDays } from '../src/stats/bucket-day-stats.js';
import { rollupsByDay } from '../src/stats/bucket-range-stats.js';
import { summarizeDay, type DaySummary } from '../src/stats/day-summary.js';
import { listedNodeDays } from '../src/stats/listed-node-days.js';
import { nodeDayTimeline } from '../src/stats/node-day-timeline.js';
import type { NodeStatus, Report } from '../src/stats/node-status.js';
import { migrationProvider } from '../src/store/migrations/migration-provider.js';
import { reportFromRow, summaryFromRow } from '../src/store/rollup-rows.js';
import { openServiceStore, type ServiceStore } from '../src/ingest/service-store.js';
import { DAY_MS, dayOf } from '../src/time/instant.js';
import {
  keptDetailsOffPrefix,
  rollupsAsRead,
  openStoreMigratedTo,
  stageInStore,
  storeForTests,
  writeSeriesAsOfOld,
} from './helpers/store-fixtures.js';
import { createTestDatabase, STORE_KINDS } from './helpers/test-stores.js';
import { modelTimeline } from './helpers/timeline-model.js';

const SECOND = 1000;
const STALE_MS = 180_000;
const FIRST_DAY = dayOf(Date.parse('2024-03-18T00:00:00.000Z'));
const settings = { staleAfterMs: STALE_MS, nodeRetentionDays: 2 };

/** Every rollup of the store, as it reads them back, against `summarizeDay` over the raw reports of its series and day. */
async function assertRollupsExact(store: ServiceStore): Promise<number> {
  const raw = await store.db.selectFrom('all_reports').selectAll().orderBy('series_id').orderBy('at').execute();
  const rollups = await store.db.selectFrom('daily_rollups').selectAll().execute();
  const asRead = await rollupsAsRead(store);
  for (const row of rollups) {
    const where = `series ${row.series_id}, day ${row.day}`;
    const reports = raw.filter((r) => r.series_id === row.series_id && dayOf(r.at) === row.day).map(reportFromRow);
    const expected = summarizeDay(reports, STALE_MS) as DaySummary;
    assert.deepEqual({ ...summaryFromRow(row), downSpans: expected.downSpans, latencies: expected.latencies }, expected, where);
    // As the readers see it: the kept detail caught up with the reports after it.
    assert.deepEqual(asRead.get(`${row.series_id}/${row.day}`), expected, `${where}, as read`);
  }
  // The kept detail, however far behind, is that of the day's first reports.
  assert.deepEqual(await keptDetailsOffPrefix(store, STALE_MS), []);
  return rollups.length;
}

/** Each listed day's timeline from the store's rollups, against the second-by-second model of the raw reports. */
async function assertTimelines(store: ServiceStore, bucketId: string, sorted: readonly Report[], now: number): Promise<void> {
  const lookback = lookbackDays(settings);
  const toDay = dayOf(now);
  const rows = await store.stats.seriesDaysRange(bucketId, FIRST_DAY - 1 - lookback, toDay);
  for (const { day, series } of rollupsByDay(rows, FIRST_DAY - 1, toDay, lookback)) {
    const { nodes } = await listedNodeDays(store.stats, series, day, now, settings);
    const seen = sorted.filter((r) => r.at < now || dayOf(r.at) !== toDay);
    const expected = modelTimeline(seen, day, now, settings);
    assert.equal(nodes.length, expected ? 1 : 0, `listed on day ${day - FIRST_DAY}`);
    if (expected) assert.deepEqual(nodeDayTimeline(nodes[0]!.input), expected, `day ${day - FIRST_DAY}`);
  }
}

const step = fc.record({
  gap: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 300, max: 40_000 })),
  status: fc.constantFrom<NodeStatus>('ONLINE', 'ONLINE', 'OFFLINE', 'DISCONNECTED'),
  latency: fc.option(fc.oneof(fc.integer({ min: 0, max: 900 }), fc.double({ min: 0, max: 900, noNaN: true }))),
});
const history = fc.record({
  start: fc.integer({ min: 0, max: 86_400 }),
  steps: fc.array(step, { minLength: 1, maxLength: 60 }),
  // How the reports arrive: a shuffle, cut into batches, some sent twice, some batches at once.
  order: fc.array(fc.integer(), { minLength: 60, maxLength: 60 }),
  cuts: fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 10 }),
  repeats: fc.array(fc.nat(59), { maxLength: 5 }),
  nowSecond: fc.integer({ min: 0, max: 4 * 86_400 }),
});

for (const kind of STORE_KINDS) {
  describe(`rollup detail through the store's ingest (${kind})`, () => {
    it('equals a recomputation from the raw reports, and the timelines the model, whatever order and batches the reports come in', async () => {
      await fc.assert(
        fc.asyncProperty(history, async ({ start, steps, order, cuts, repeats, nowSecond }) => {
          const database = await createTestDatabase(kind);
          const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: STALE_MS });
          try {
            const { bucketId, nodeId } = await stageInStore(store, FIRST_DAY * DAY_MS);
            const reports: Report[] = [];
            let at = FIRST_DAY * DAY_MS + start * SECOND;
            for (const s of steps) {
              reports.push({ at, status: s.status, latencyMs: s.latency });
              at += s.gap * SECOND;
            }
            const arriving = reports
              .map((r, i) => ({ r, key: order[i] ?? 0 }))
              .sort((a, b) => a.key - b.key)
              .map(({ r }) => r);
            for (const i of repeats) if (reports[i]) arriving.push(reports[i]);
            const batches: Report[][] = [];
            for (let i = 0, c = 0; i < arriving.length; c++) {
              const size = cuts[c % cuts.length] as number;
              batches.push(arriving.slice(i, i + size));
              i += size;
            }
            // Pairs of batches at once: they may share a group commit.
            for (let i = 0; i < batches.length; i += 2) {
              await Promise.all(
                batches.slice(i, i + 2).map((batch) => store.reports.ingest(batch.map((r) => ({ ...r, nodeId, bucketId })))),
              );
            }
            assert.ok((await assertRollupsExact(store)) > 0);
            await assertTimelines(store, bucketId, reports, FIRST_DAY * DAY_MS + nowSecond * SECOND);
            // The listed days caught up (as PostgreSQL does every few seconds, SQLite's writer every few
            // minutes): every kept detail whole.
            await store.catchUpRollupDetail();
            const behind = await store.db
              .selectFrom('daily_rollups as r')
              .leftJoin('rollup_details as d', (join) =>
                join.onRef('d.series_id', '=', 'r.series_id').onRef('d.day', '=', 'r.day'),
              )
              .select(['r.day', 'r.report_count', 'd.report_count as kept'])
              .execute();
            assert.deepEqual(
              behind.filter((row) => row.kept !== row.report_count),
              [],
            );
            await assertRollupsExact(store);
          } finally {
            await store.close();
            await database.drop();
          }
        }),
        { numRuns: kind === 'sqlite' ? 25 : 15 },
      );
    });
  });

  describe(`kept detail when a group commit moves recent reports half way (${kind})`, () => {
    const t = storeForTests(kind, STALE_MS);
    it('catches a day up with the reports this commit appends to it, not only those counted before', async () => {
      const now = (FIRST_DAY + 1) * DAY_MS;
      const { bucketId, nodeId: a } = await stageInStore(t.store, now);
      const { id: b } = await t.store.nodes.create(
        { ip: '10.0.0.2', host: 'b.example', region: 'r', provider: 'p', version: '1', publicKey: 'k2' },
        now,
      );
      const at = (hours: number): number => FIRST_DAY * DAY_MS + hours * 3_600_000;
      const ingest = (...reports: Array<[string, number]>) =>
        t.store.reports.ingest(
          reports.map(([nodeId, h]) => ({ nodeId, bucketId, at: at(h), status: 'ONLINE' as const, latencyMs: h })),
        );
      await ingest([a, 1], [a, 2]);
      await ingest([b, 1], [b, 3]);
      // Each of these commits appends to a's day and brings b an older report: the writer moves the recent
      // reports before it checks that one, in the middle of the commit, before a's new count is saved.
      await ingest([a, 4], [b, 2]);
      await ingest([a, 5], [b, 0.5]);
      assert.deepEqual(await keptDetailsOffPrefix(t.store, STALE_MS), []);
      await assertRollupsExact(t.store);
    });
  });

  describe(`migration 007 on rollups made before it (${kind})`, () => {
    const databases: Array<{ drop(): Promise<void> }> = [];
    after(async () => {
      for (const d of databases) await d.drop();
    });

    it('computes the detail of the days whose raw reports are there, and leaves it null where retention dropped them', async () => {
      const database = await createTestDatabase(kind);
      databases.push(database);
      const names = Object.keys(await migrationProvider.getMigrations()).sort();
      const before007 = names.filter((name) => name < '007').at(-1) as string;
      const old = await openStoreMigratedTo(before007, database.url, STALE_MS);
      const now = (FIRST_DAY + 3) * DAY_MS;
      const { bucketId, nodeId } = await stageInStore(old, now);
      const reports: Report[] = [];
      for (let at = FIRST_DAY * DAY_MS + 3_600_000; at < now; at += 7 * 60_000) {
        const minute = at / 60_000;
        const status: NodeStatus = minute % 11 === 0 ? 'OFFLINE' : 'ONLINE';
        reports.push({ at, status, latencyMs: status === 'ONLINE' ? (minute % 37) + 0.5 : null });
      }
      await writeSeriesAsOfOld(old, bucketId, nodeId, reports, STALE_MS);
      // Retention dropped the first day's raw reports; its rollup stays.
      await old.db
        .deleteFrom('reports')
        .where('at', '<', (FIRST_DAY + 1) * DAY_MS)
        .execute();
      await old.close();

      const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: STALE_MS });
      try {
        const rows = await store.db.selectFrom('daily_rollups').selectAll().orderBy('day').execute();
        const details = await store.db.selectFrom('rollup_details').selectAll().orderBy('day').execute();
        assert.deepEqual(
          details.map((d) => d.day - FIRST_DAY),
          [1, 2],
        );
        for (const [i, row] of rows.slice(1).entries()) {
          const ofDay = reports.filter((r) => dayOf(r.at) === row.day);
          assert.deepEqual(summaryFromRow(row, details[i]), summarizeDay(ofDay, STALE_MS));
        }
        // The range call says "not known" for the day without detail, and answers the others.
        const range = await store.stats.seriesDaysRange(bucketId, FIRST_DAY, FIRST_DAY + 2);
        const [first, second] = rollupsByDay(range, FIRST_DAY, FIRST_DAY + 1, 0);
        const input = async (day: typeof first) =>
          (await listedNodeDays(store.stats, day!.series, day!.day, now, settings)).nodes[0]!.input;
        assert.equal(nodeDayTimeline(await input(first)), null);
        assert.ok(nodeDayTimeline(await input(second)));
        // Done once: the next start has nothing pending.
        assert.equal(
          await store.db.selectFrom('settings').selectAll().where('key', '=', 'rollup_detail_backfill').executeTakeFirst(),
          undefined,
        );
      } finally {
        await store.close();
      }
    });
  });
}
