import { migrationProvider } from '../../src/store/migrations/migration-provider.js';
import { openStore, type Store } from '../../src/store/store.js';

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
