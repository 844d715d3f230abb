import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bucketDayStats } from '../src/stats/bucket-day-stats.js';
import { nodeDayStatsFromReports, dayWindow } from '../src/stats/daily-node-stats.js';
import type { Report } from '../src/stats/node-status.js';
import { RAW_DROPPED_KEY } from '../src/store/raw-retention.js';
import { openServiceStore, type ServiceStore } from '../src/ingest/service-store.js';
import { DAY_MS } from '../src/time/instant.js';
import { stageInStore } from './helpers/store-fixtures.js';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from './helpers/test-stores.js';

const NOW = Date.parse('2024-02-01T00:00:00.000Z');
const DAY = Date.parse('2024-01-15T00:00:00.000Z') / DAY_MS;
const reports: Report[] = [
  { at: Date.parse('2024-01-15T06:00:00Z'), status: 'ONLINE', latencyMs: 40 },
  { at: Date.parse('2024-01-15T06:01:30Z'), status: 'ONLINE', latencyMs: 50 },
  { at: Date.parse('2024-01-15T06:05:00Z'), status: 'OFFLINE', latencyMs: null },
  { at: Date.parse('2024-01-15T06:06:00Z'), status: 'ONLINE', latencyMs: 60 },
];

async function seed(store: ServiceStore): Promise<string> {
  const { bucketId, nodeId } = await stageInStore(store, NOW);
  await store.reports.ingest(reports.map((r) => ({ nodeId, bucketId, ...r })));
  return bucketId;
}

for (const kind of STORE_KINDS) {
  describe(`changing STALE_AFTER_SECONDS on an existing store (${kind})`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(kind);
    });
    after(() => database.drop());

    it('rebuilds the rollups at start, or refuses to start once raw reports were dropped', async () => {
      const first = await openServiceStore({ databaseUrl: database.url, staleAfterMs: 180_000 });
      const bucketId = await seed(first);
      await first.close();

      const rebuilt = await openServiceStore({ databaseUrl: database.url, staleAfterMs: 60_000 });
      const [entry] = await bucketDayStats(rebuilt.stats, bucketId, DAY, NOW, { staleAfterMs: 60_000, nodeRetentionDays: 7 });
      const expected = nodeDayStatsFromReports(reports, dayWindow(DAY, NOW), 60_000);
      assert.equal(entry?.percUptime, expected?.percUptime);
      assert.notEqual(expected?.percUptime, nodeDayStatsFromReports(reports, dayWindow(DAY, NOW), 180_000)?.percUptime);
      await rebuilt.db.insertInto('settings').values({ key: RAW_DROPPED_KEY, value: 'true' }).execute();
      await rebuilt.close();

      await assert.rejects(
        openServiceStore({ databaseUrl: database.url, staleAfterMs: 180_000 }),
        /STALE_AFTER_SECONDS changed from 60 to 180, but raw reports .* are gone/,
      );
    });
  });
}
