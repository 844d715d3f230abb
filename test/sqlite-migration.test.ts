import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openServiceStore } from '../src/ingest/service-store.js';
import { bucketDayStats } from '../src/stats/bucket-day-stats.js';
import { openStoreMigratedTo, stageInStore, writeSeriesAsOfOld } from './helpers/store-fixtures.js';
import { DAY_MS } from '../src/time/instant.js';

describe('a SQLite store made before reports were clustered (migration 002)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fbstats-migration-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every report and rollup, answers the same, stores them WITHOUT ROWID and never reuses a series id', async () => {
    const file = join(dir, 'old.db');
    const now = Date.parse('2024-03-20T12:00:00.000Z');
    const settings = { staleAfterMs: 180_000, nodeRetentionDays: 7 };
    // Filled on the old schema, as the service filled it then.
    const before = await openStoreMigratedTo('001-initial-schema', `sqlite:${file}`, settings.staleAfterMs);
    const { bucketId, nodeId } = await stageInStore(before, now);
    const reports = [];
    for (let at = now - 2 * DAY_MS; at < now; at += 300_000) {
      reports.push({ at, status: 'ONLINE' as const, latencyMs: (at / 1000) % 97 });
    }
    await writeSeriesAsOfOld(before, bucketId, nodeId, reports, settings.staleAfterMs);
    const day = Math.floor(now / DAY_MS) - 1;
    const answer = await bucketDayStats(before.stats, bucketId, day, now, settings);
    await before.close();

    const after = await openServiceStore({ databaseUrl: `sqlite:${file}`, staleAfterMs: settings.staleAfterMs });
    try {
      const count = await sql<{ n: number }>`select count(*) as n from all_reports`.execute(after.db);
      assert.equal(count.rows[0]?.n, reports.length);
      assert.deepEqual(await bucketDayStats(after.stats, bucketId, day, now, settings), answer);
      const tables = await sql<{
        name: string;
        sql: string;
      }>`select name, sql from sqlite_master where name in ('reports', 'daily_rollups')`.execute(after.db);
      for (const table of tables.rows) assert.match(table.sql, /without rowid/i, table.name);
      assert.equal(tables.rows.length, 2);
      // The writer keeps series ids: one freed by a deleted bucket must never come back.
      const series = await sql<{ sql: string }>`select sql from sqlite_master where name = 'series'`.execute(after.db);
      assert.match(series.rows[0]?.sql ?? '', /autoincrement/i);
    } finally {
      await after.close();
    }
  });
});
