import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { dropRawReports, RAW_DROPPED_KEY } from '../src/store/raw-retention.js';
import { bucketDayStats } from '../src/stats/bucket-day-stats.js';
import type { Database } from '../src/store/database-schema.js';
import { openServiceStore, type ServiceStore } from '../src/ingest/service-store.js';
import { DAY_MS, dayOf } from '../src/time/instant.js';
import { openStoreMigratedTo, stageInStore, writeSeriesAsOfOld } from './helpers/store-fixtures.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-stores.js';

const staleAfterMs = 180_000;
const settings = { staleAfterMs, nodeRetentionDays: 7 };

async function partitions(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'reports'::regclass order by c.relname`.execute(db);
  return rows.map((r) => r.name);
}

async function countIn(db: Kysely<Database>, table: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n);
}

describe('PostgreSQL reports partitioned by day (migration 003)', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('postgres');
  });
  after(() => database.drop());

  /** A store and a second connection, for a reader that holds locks while the store works. */
  async function withStoreAndReader(work: (store: ServiceStore, reader: pg.Client) => Promise<void>): Promise<void> {
    const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs });
    const reader = new pg.Client({ connectionString: database.url });
    await reader.connect();
    try {
      await work(store, reader);
    } finally {
      await reader.end();
      await store.close();
    }
  }

  it('keeps the reports stored before as one partition, answers the same, and gives each later day its own', async () => {
    const now = Date.parse('2024-03-20T12:00:00.000Z');
    const old = await openStoreMigratedTo('002-sqlite-clustered-reports', database.url, staleAfterMs);
    const { bucketId, nodeId } = await stageInStore(old, now);
    const reports = [];
    for (let at = now - 2 * DAY_MS; at < now; at += 300_000) {
      reports.push({ at, status: 'ONLINE' as const, latencyMs: (at / 1000) % 97 });
    }
    // Today's ingest writes the rollup detail columns of migration 007: written as the old code wrote them.
    await writeSeriesAsOfOld(old, bucketId, nodeId, reports, staleAfterMs);
    const day = dayOf(now) - 1;
    const answer = await bucketDayStats(old.stats, bucketId, day, now, settings);
    await old.close();

    let store: ServiceStore = await openServiceStore({ databaseUrl: database.url, staleAfterMs });
    try {
      assert.deepEqual(await partitions(store.db), ['reports_before_partitioning', 'reports_default']);
      assert.equal(await countIn(store.db, 'reports_before_partitioning'), reports.length);
      assert.deepEqual(await bucketDayStats(store.stats, bucketId, day, now, settings), answer);

      // Still March 20th: the old partition runs to its end. The 21st gets a partition, made with the 22nd's.
      await store.reports.ingest([
        { nodeId, bucketId, at: now + 60_000, status: 'ONLINE', latencyMs: 1 },
        { nodeId, bucketId, at: now + DAY_MS, status: 'ONLINE', latencyMs: 1 },
      ]);
      assert.deepEqual(await partitions(store.db), [
        'reports_2024_03_21',
        'reports_2024_03_22',
        'reports_before_partitioning',
        'reports_default',
      ]);
      assert.equal(await countIn(store.db, 'reports_2024_03_21'), 1);
      assert.equal(await countIn(store.db, 'reports_before_partitioning'), reports.length + 1);

      // Retention deletes the old partition's rows row by row while some of it is still kept.
      const cutoff = dayOf(now);
      const older = await sql<{ n: string }>`select count(*) as n from reports where at < ${cutoff * DAY_MS}`.execute(store.db);
      const pass = await dropRawReports(store.db, cutoff);
      assert.deepEqual(pass, { deletedReports: Number(older.rows[0]?.n), droppedPartitions: [] });
      assert.ok(pass.deletedReports > 0);

      // A day whose reports already sit in the default partition keeps them there, and takes more.
      const stray = Date.parse('2024-04-02T10:00:00.000Z');
      await sql`insert into reports_default (series_id, at, status, latency_ms)
        select id, ${stray}, 1, 5 from series`.execute(store.db);
      await store.close();
      store = await openServiceStore({ databaseUrl: database.url, staleAfterMs });
      const stored = await store.reports.ingest([{ nodeId, bucketId, at: stray + 60_000, status: 'ONLINE', latencyMs: 2 }]);
      assert.deepEqual(stored, { accepted: 1, duplicates: 0, bucketGone: [] });
      assert.equal(await countIn(store.db, 'reports_default'), 2);
      assert.ok((await partitions(store.db)).includes('reports_2024_04_03'), 'the next day still gets its own');
    } finally {
      await store.close();
    }
  });

  it('marks raw reports as dropped before the first goes, so that a pass cut short still stops a rollup rebuild', async () => {
    await withStoreAndReader(async (store, reader) => {
      await store.db.deleteFrom('settings').where('key', '=', RAW_DROPPED_KEY).execute();
      const now = Date.parse('2024-05-10T12:00:00.000Z');
      const { bucketId, nodeId } = await stageInStore(store, now);
      const days = [8, 9, 10].map((d) => Date.parse(`2024-05-${String(d).padStart(2, '0')}T06:00:00.000Z`));
      await store.reports.ingest(days.map((at) => ({ nodeId, bucketId, at, status: 'ONLINE' as const, latencyMs: 1 })));
      // A long reader of May 9th: its partition cannot be dropped within the lock timeout.
      await reader.query('begin');
      await reader.query('select count(*) from reports_2024_05_09');
      await assert.rejects(dropRawReports(store.db, dayOf(days[2] as number)), /lock timeout/);
      const flag = await store.db.selectFrom('settings').select('value').where('key', '=', RAW_DROPPED_KEY).executeTakeFirst();
      assert.equal(flag?.value, 'true');
      assert.ok(!(await partitions(store.db)).includes('reports_2024_05_08'), 'the pass had begun');
    });
  });

  it('attaches a new day while a reader holds reports: neither waits for the other', async () => {
    await withStoreAndReader(async (store, reader) => {
      const now = Date.parse('2024-06-10T12:00:00.000Z');
      const { bucketId, nodeId } = await stageInStore(store, now);
      const report = (at: number) => ({ nodeId, bucketId, at, status: 'ONLINE' as const, latencyMs: 1 });
      await store.reports.ingest([report(now)]);
      await reader.query('begin');
      await reader.query(`select count(*) from reports where at >= ${now - 3_600_000} and at < ${now + 3_600_000}`);
      // CREATE ... PARTITION OF would wait for the reader, time out, and leave the day in the default partition.
      await store.reports.ingest([report(now + 2 * 86_400_000)]);
      assert.ok((await partitions(store.db)).includes('reports_2024_06_12'));
      assert.equal(await countIn(store.db, 'reports_2024_06_12'), 1);
    });
  });
});
