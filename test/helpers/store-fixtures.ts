import { isDeepStrictEqual } from 'node:util';
import { summarizeDay, summarizeDays, type DaySummary } from '../../src/stats/day-summary.js';
import type { Report } from '../../src/stats/node-status.js';
import { migrationProvider } from '../../src/store/migrations/migration-provider.js';
import { detailFromRow, reportFromRow, rowFromSummary } from '../../src/store/rollup-rows.js';
import { dayOf } from '../../src/time/instant.js';
import { statusCode } from '../../src/store/status-codes.js';
import { after, before } from 'node:test';
import { openServiceStore, type ServiceStore } from '../../src/ingest/service-store.js';
import { createTestDatabase, type StoreKind, type TestDatabase } from './test-stores.js';

/** A store of the tests of one `describe`, see `storeForTests`. */
export interface StoreForTests {
  readonly store: ServiceStore;
  readonly database: TestDatabase;
  /** Closes the store and opens it again on the same database (a restart). */
  reopen(): Promise<void>;
}

/**
 * A store of `kind` on a fresh database for the tests of the enclosing
 * `describe`: opened before them, closed and its database dropped after.
 *
 * @example
 * const t = storeForTests('postgres');
 * it('stores', async () => { await t.store.reports.ingest(reports); });
 */
export function storeForTests(kind: StoreKind, staleAfterMs = 180_000): StoreForTests {
  let database: TestDatabase | undefined;
  let store: ServiceStore | undefined;
  const open = async (url: string): Promise<ServiceStore> => (store = await openServiceStore({ databaseUrl: url, staleAfterMs }));
  before(async () => {
    database = await createTestDatabase(kind);
    await open(database.url);
  });
  after(async () => {
    await store?.close();
    await database?.drop();
  });
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the store opens in the before hook of its describe');
    return value;
  };
  return {
    get store() {
      return opened(store);
    },
    get database() {
      return opened(database);
    },
    reopen: async () => {
      await opened(store).close();
      await open(opened(database).url);
    },
  };
}

/**
 * A user, a workspace, a bucket and a node made straight in a store, for
 * tests that work below the HTTP API (migrations, rollup rebuilds).
 *
 * @example
 * const { bucketId, nodeId } = await stageInStore(store, Date.parse('2024-03-20T12:00:00Z'));
 */
export async function stageInStore(store: ServiceStore, now: number): Promise<{ bucketId: string; nodeId: string }> {
  const user = await store.users.create(`owner-${now}@example.com`, 'Owner', now);
  const workspace = await store.workspaces.create('w', user?.id ?? '', now);
  const bucket = await store.buckets.create(
    { name: 'b', workspaceId: workspace.id, storageType: 'S3', bucket: null, endpoint: null, region: null },
    now,
  );
  const node = await store.nodes.create(
    { ip: '10.0.0.1', host: 'a.example', region: 'r', provider: 'p', version: '1', publicKey: 'k' },
    now,
  );
  return { bucketId: bucket.id, nodeId: node.id };
}

/**
 * A store as an earlier release opened it: migrated only up to `last`
 * (inclusive). The code reads and writes the same columns on every schema.
 *
 * @example
 * const old = await openStoreMigratedTo('001-initial-schema', `sqlite:${file}`, 180_000);
 */
export async function openStoreMigratedTo(last: string, databaseUrl: string, staleAfterMs: number): Promise<ServiceStore> {
  const original = migrationProvider.getMigrations.bind(migrationProvider);
  const all = await original();
  migrationProvider.getMigrations = async () => Object.fromEntries(Object.entries(all).filter(([name]) => name <= last));
  try {
    return await openServiceStore({ databaseUrl, staleAfterMs });
  } finally {
    migrationProvider.getMigrations = original;
  }
}

/**
 * Writes one series' reports and their daily rollups with plain SQL, into
 * the tables every schema has: for a store opened at an earlier migration,
 * which today's ingest code (writing tables that came later) cannot fill.
 *
 * @example
 * await writeSeriesAsOfOld(old, bucketId, nodeId, reports, 180_000);
 */
export async function writeSeriesAsOfOld(
  store: ServiceStore,
  bucketId: string,
  nodeId: string,
  reports: readonly Report[],
  staleAfterMs: number,
): Promise<void> {
  const sorted = [...reports].sort((a, b) => a.at - b.at);
  const { id } = await store.db
    .insertInto('series')
    .values({ bucket_id: bucketId, node_id: nodeId, first_at: sorted[0]?.at ?? 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let i = 0; i < sorted.length; i += 200) {
    const rows = sorted
      .slice(i, i + 200)
      .map((r) => ({ series_id: id, at: r.at, status: statusCode(r.status), latency_ms: r.latencyMs }));
    await store.db.insertInto('reports').values(rows).execute();
  }
  for (const [day, summary] of summarizeDays(sorted, staleAfterMs)) {
    // The detail came with migration 007 (in `rollup_details` since 009): the rollup row alone.
    await store.db
      .insertInto('daily_rollups')
      .values(rowFromSummary(id, day, summary))
      .execute();
  }
}

/**
 * Every rollup of the store as the readers see it, by `seriesId/day`: its
 * row, with the detail kept so far caught up with the raw reports after it
 * (`StatsStore.seriesDaysRange`).
 *
 * @example
 * const asRead = await rollupsAsRead(store);
 * assert.deepEqual(asRead.get(`${seriesId}/${day}`), summarizeDay(reports, 180_000));
 */
export async function rollupsAsRead(store: Pick<ServiceStore, 'db' | 'stats'>): Promise<Map<string, DaySummary>> {
  const buckets = await store.db.selectFrom('series').select('bucket_id').distinct().execute();
  const byKey = new Map<string, DaySummary>();
  for (const { bucket_id: bucketId } of buckets) {
    for (const { seriesId, day, summary } of await store.stats.seriesDaysRange(bucketId, 0, 10_000_000)) {
      byKey.set(`${seriesId}/${day}`, summary);
    }
  }
  return byKey;
}

/**
 * The kept rollup details that are not the detail of their day's first
 * `report_count` reports through `through_at` (none in a sound store):
 * however far behind, a kept detail must be a prefix of its day.
 *
 * @example
 * assert.deepEqual(await keptDetailsOffPrefix(store, 180_000), []);
 */
export async function keptDetailsOffPrefix(store: Pick<ServiceStore, 'db'>, staleAfterMs: number): Promise<string[]> {
  const raw = await store.db.selectFrom('all_reports').selectAll().orderBy('series_id').orderBy('at').execute();
  const byKey = new Map<string, Report[]>();
  for (const row of raw) {
    const key = `${row.series_id}/${dayOf(row.at)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), reportFromRow(row)]);
  }
  const off: string[] = [];
  for (const kept of await store.db.selectFrom('rollup_details').selectAll().execute()) {
    const key = `${kept.series_id}/${kept.day}`;
    const prefix = summarizeDay((byKey.get(key) ?? []).slice(0, kept.report_count), staleAfterMs);
    const same =
      prefix !== undefined &&
      prefix.reportCount === kept.report_count &&
      prefix.lastAt === kept.through_at &&
      isDeepStrictEqual(detailFromRow(kept), { downSpans: prefix.downSpans, latencies: prefix.latencies });
    if (!same) {
      const upTo = (byKey.get(key) ?? []).filter((r) => r.at <= kept.through_at);
      const ofThose = summarizeDay(upTo, staleAfterMs);
      const sameAsUpTo = isDeepStrictEqual(detailFromRow(kept), { downSpans: ofThose?.downSpans, latencies: ofThose?.latencies });
      off.push(
        `series ${kept.series_id}, day ${kept.day}: ${kept.report_count} reports through ${kept.through_at}; ` +
          `${upTo.length} stored up to then, of ${byKey.get(key)?.length ?? 0}; detail ${sameAsUpTo ? 'is' : 'is not'} theirs`,
      );
    }
  }
  return off;
}
