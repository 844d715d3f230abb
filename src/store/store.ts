import { Migrator, type Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import { isPostgres, type StoreKind } from './dialect.js';
import { migrationProvider } from './migrations/migration-provider.js';
import { KyselyWriteOps } from './kysely-write-ops.js';
import { openPostgresDatabase } from './postgres/postgres-database.js';
import { ReportPartitions } from './postgres/report-partitions.js';
import { openSqliteDatabase } from './sqlite/sqlite-database.js';
import { SqliteStoreLock } from './sqlite/store-lock.js';
import { AlertDeliveryStore } from './alert-delivery-store.js';
import { AlertOutbox } from './alert-outbox.js';
import { AlertRuleStore } from './alert-rule-store.js';
import { BucketStore } from './bucket-store.js';
import { DeletedSeriesPurge } from './deleted-series-purge.js';
import { MaintenanceStore } from './maintenance-store.js';
import { NodeStore } from './node-store.js';
import { writeGroup, type GroupBatch, type GroupCommitter } from './group-write.js';
import { dayOf } from '../time/instant.js';
import { SqliteWriterThread } from './sqlite/sqlite-writer-thread.js';
import { ReportStore } from './report-store.js';
import { backfillRollupDetail } from './rollup-detail-backfill.js';
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
  /** Alert channels and rules (spec/alerts.md). */
  alertRules: AlertRuleStore;
  /** Alert states and the outbox of raised events. */
  alertOutbox: AlertOutbox;
  /** The outbox's deliveries and their tries. */
  alertDeliveries: AlertDeliveryStore;
  /** Maintenance windows of buckets, with every past version. */
  maintenance: MaintenanceStore;
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
  /**
   * SQLite only, for tests: how long each connection waits for a lock held
   * by another before SQLITE_BUSY (`busy_timeout`), instead of 5 s for the
   * main thread's and 60 s for the writer thread's. Not an operator's
   * setting: in one process nothing but the writer thread writes the file.
   */
  sqliteBusyTimeoutMs?: number;
}

// The writer thread may wait long for a lock: it blocks only itself (another process on the file, a backup).
const WRITER_BUSY_TIMEOUT_MS = 60_000;

interface OpenedDatabase {
  db: Kysely<Database>;
  writeTransaction: WriteTransaction;
  /** Tells the writer that a bucket was deleted, where it keeps series ids. */
  forgetBucket?: (bucketId: string) => void;
  /** Readies the store for a group commit, outside its transaction (PostgreSQL: the day partitions). */
  beforeWrite?: (group: readonly GroupBatch[]) => Promise<void>;
  /** SQLite: sends every later write of `db` to the writer thread. */
  attachWriter?: (writer: SqliteWriterThread) => void;
}

const daysOf = (group: readonly GroupBatch[]): Set<number> =>
  new Set(group.flatMap((batch) => batch.reports.map((r) => dayOf(r.at))));

function openDatabase(options: StoreOptions, log: (message: string) => void): OpenedDatabase {
  const { databaseUrl } = options;
  if (databaseUrl.startsWith('sqlite:')) {
    return openSqliteDatabase(databaseUrl.slice('sqlite:'.length), options.sqliteBusyTimeoutMs);
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const db = openPostgresDatabase(databaseUrl, log);
    const partitions = new ReportPartitions(db, log);
    return {
      db,
      writeTransaction: (work) => db.transaction().execute((trx) => work(new KyselyWriteOps(trx))),
      beforeWrite: (group) => partitions.ensure(daysOf(group)),
    };
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got ${JSON.stringify(databaseUrl)}`);
}

/** A SQLite file belongs to one process (see `SqliteStoreLock`); PostgreSQL and in-memory stores need no lock. */
async function lockStoreFile(databaseUrl: string): Promise<SqliteStoreLock | undefined> {
  const path = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : undefined;
  return path === undefined || path === ':memory:' ? undefined : SqliteStoreLock.acquire(path);
}

/**
 * Opens the store, creating or migrating its schema first. A SQLite file
 * that another process holds is refused with a `StoreInUseError` naming it.
 *
 * @example
 * const store = await openStore({ databaseUrl: 'sqlite:./data/flashback.db', staleAfterMs: 180_000 });
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const log = options.log ?? (() => undefined);
  const lock = await lockStoreFile(options.databaseUrl);
  let opened: OpenedDatabase;
  try {
    opened = openDatabase(options, log);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const { db } = opened;
  try {
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
    await ensureRollupsMatch(db, options.staleAfterMs, log);
    const filled = await backfillRollupDetail(db, options.staleAfterMs);
    if (filled > 0) log(`computed the down spans and latency sketches of ${filled} daily rollups from their raw reports`);
  } catch (error) {
    await db.destroy();
    lock?.release();
    throw error;
  }
  const events = new StoreEvents();
  const nodes = new NodeStore(db, events);
  const commit = groupCommitter(options, opened);
  events.on('bucketDeleted', (bucketId) => commit.forgetBucket(bucketId));
  const purge = new DeletedSeriesPurge(db, log);
  purge.resume();
  return {
    kind: isPostgres(db) ? 'postgres' : 'sqlite',
    db,
    users: new UserStore(db),
    tokens: new TokenStore(db, events),
    workspaces: new WorkspaceStore(db, events),
    buckets: new BucketStore(db, events, purge),
    nodes,
    reports: new ReportStore(commit.write, events),
    stats: new StatsStore(db, nodes, events),
    alertRules: new AlertRuleStore(db),
    alertOutbox: new AlertOutbox(db),
    alertDeliveries: new AlertDeliveryStore(db),
    maintenance: new MaintenanceStore(db),
    events,
    ping: async () => {
      await db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
      if (!commit.running()) throw new Error('the store can no longer write reports');
      return true;
    },
    close: async () => {
      await purge.stop();
      await commit.close();
      await db.destroy();
      lock?.release();
    },
  };
}

/**
 * Where group commits run: a SQLite file gets a writer thread of its own
 * (see `SqliteWriterThread`); PostgreSQL, whose server does the work, and
 * an in-memory SQLite, which no other connection can open, write on the
 * calling thread.
 */
function groupCommitter(
  options: StoreOptions,
  opened: OpenedDatabase,
): { write: GroupCommitter; forgetBucket: (bucketId: string) => void; running: () => boolean; close: () => Promise<void> } {
  const path = options.databaseUrl.startsWith('sqlite:') ? options.databaseUrl.slice('sqlite:'.length) : undefined;
  if (path !== undefined && path !== ':memory:') {
    const busyTimeoutMs = options.sqliteBusyTimeoutMs ?? WRITER_BUSY_TIMEOUT_MS;
    const writer = new SqliteWriterThread({ path, staleAfterMs: options.staleAfterMs, busyTimeoutMs });
    opened.attachWriter?.(writer);
    return {
      write: (group) => writer.write(group),
      forgetBucket: (id) => writer.forgetBucket(id),
      running: () => writer.running,
      close: () => writer.close(),
    };
  }
  return {
    write: async (group) => {
      await opened.beforeWrite?.(group);
      return opened.writeTransaction((ops) => writeGroup(ops, group, options.staleAfterMs));
    },
    forgetBucket: (id) => opened.forgetBucket?.(id),
    running: () => true,
    close: async () => undefined,
  };
}
