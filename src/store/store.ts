import { Migrator, type Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import { isPostgres, type StoreKind } from './dialect.js';
import { migrationProvider } from './migrations/migration-provider.js';
import { KyselyWriteOps } from './kysely-write-ops.js';
import { openPostgresDatabase } from './postgres/postgres-database.js';
import { openSqliteDatabase } from './sqlite/sqlite-database.js';
import { BucketStore } from './bucket-store.js';
import { NodeStore } from './node-store.js';
import { ReportStore } from './report-store.js';
import { ensureRollupsMatch } from './rollup-rebuild.js';
import { StatsStore } from './stats-store.js';
import { StoreEvents } from './store-events.js';
import { TokenStore } from './token-store.js';
import { UserStore } from './user-store.js';
import { WorkspaceStore } from './workspace-store.js';
import type { WriteTransaction } from './write-ops.js';

/** Everything the service persists, behind one object, on SQLite or PostgreSQL. */
export interface Store {
  kind: StoreKind;
  db: Kysely<Database>;
  users: UserStore;
  tokens: TokenStore;
  workspaces: WorkspaceStore;
  buckets: BucketStore;
  nodes: NodeStore;
  reports: ReportStore;
  stats: StatsStore;
  /** Told after each committed change, for caches of derived answers. */
  events: StoreEvents;
  /** Whether the database answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `sqlite:<path>` or `postgres://...` */
  databaseUrl: string;
  staleAfterMs: number;
  log?: (message: string) => void;
}

function openDatabase(databaseUrl: string): { db: Kysely<Database>; writeTransaction: WriteTransaction } {
  if (databaseUrl.startsWith('sqlite:')) return openSqliteDatabase(databaseUrl.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const db = openPostgresDatabase(databaseUrl);
    return { db, writeTransaction: (work) => db.transaction().execute((trx) => work(new KyselyWriteOps(trx))) };
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got ${JSON.stringify(databaseUrl)}`);
}

/**
 * Opens the store, creating or migrating its schema first.
 *
 * @example
 * const store = await openStore({ databaseUrl: 'sqlite:./data/flashback.db', staleAfterMs: 180_000 });
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const { db, writeTransaction } = openDatabase(options.databaseUrl);
  try {
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
    await ensureRollupsMatch(db, options.staleAfterMs, options.log ?? (() => undefined));
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const events = new StoreEvents();
  const nodes = new NodeStore(db, events);
  return {
    kind: isPostgres(db) ? 'postgres' : 'sqlite',
    db,
    users: new UserStore(db),
    tokens: new TokenStore(db, events),
    workspaces: new WorkspaceStore(db, events),
    buckets: new BucketStore(db, events),
    nodes,
    reports: new ReportStore(writeTransaction, options.staleAfterMs, events),
    stats: new StatsStore(db, nodes, events),
    events,
    ping: async () => {
      await db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
      return true;
    },
    close: () => db.destroy(),
  };
}
