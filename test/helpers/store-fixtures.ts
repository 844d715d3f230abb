import { summarizeDays } from '../../src/stats/day-summary.js';
import type { Report } from '../../src/stats/node-status.js';
import type { DailyRollupTable } from '../../src/store/database-schema.js';
import { migrationProvider } from '../../src/store/migrations/migration-provider.js';
import { rowFromSummary } from '../../src/store/rollup-rows.js';
import { statusCode } from '../../src/store/status-codes.js';
import { after, before } from 'node:test';
import { openStore, type Store } from '../../src/store/store.js';
import { createTestDatabase, type StoreKind, type TestDatabase } from './test-stores.js';

/** A store of the tests of one `describe`, see `storeForTests`. */
export interface StoreForTests {
  readonly store: Store;
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
  let store: Store | undefined;
  const open = async (url: string): Promise<Store> => (store = await openStore({ databaseUrl: url, staleAfterMs }));
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
export async function stageInStore(store: Store, now: number): Promise<{ bucketId: string; nodeId: string }> {
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
export async function openStoreMigratedTo(last: string, databaseUrl: string, staleAfterMs: number): Promise<Store> {
  const original = migrationProvider.getMigrations.bind(migrationProvider);
  const all = await original();
  migrationProvider.getMigrations = async () => Object.fromEntries(Object.entries(all).filter(([name]) => name <= last));
  try {
    return await openStore({ databaseUrl, staleAfterMs });
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
  store: Store,
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
    // The detail columns came with migration 007.
    const row: Partial<DailyRollupTable> = rowFromSummary(id, day, summary);
    delete row.down_spans;
    delete row.latencies;
    await store.db
      .insertInto('daily_rollups')
      .values(row as DailyRollupTable)
      .execute();
  }
}
