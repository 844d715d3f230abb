import { Migrator, type Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import { isPostgres, type StoreKind } from './dialect.js';
import { migrationProvider } from './migrations/migration-provider.js';
import { openPostgresDatabase } from './postgres/postgres-database.js';
import { PostgresWriteOps } from './postgres/postgres-write-ops.js';
import { ReportPartitions } from './postgres/report-partitions.js';
import { openSqliteDatabase } from './sqlite/sqlite-database.js';
import type { SqliteWriter, SqliteWriterSettings } from './sqlite/sqlite-writer.js';
import { SqliteStoreLock } from './sqlite/store-lock.js';
import { AlertDeliveryStore } from './alert-delivery-store.js';
import { AlertOutbox } from './alert-outbox.js';
import { AlertRuleStore } from './alert-rule-store.js';
import { BucketStore } from './bucket-store.js';
import { DeletedSeriesPurge } from './deleted-series-purge.js';
import { MaintenanceStore } from './maintenance-store.js';
import { NodeStore } from './node-store.js';
import { PostgresDetailCatchUp } from './postgres/postgres-detail-catch-up.js';
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
  /** How the report pipeline (src/ingest/) writes its group commits when no writer thread runs them. */
  writes: ReportWrites;
  /**
   * Brings every rollup's kept detail up to its reports now, rather than in
   * the next few seconds (PostgreSQL, `PostgresDetailCatchUp`) or minutes
   * (SQLite, `SqliteRollupDetails`). Answers how many it did.
   */
  catchUpRollupDetail(): Promise<number>;
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
  /**
   * Starts the one writer of a SQLite store file (the report pipeline's
   * writer thread, see `openServiceStore`): every later write of the store
   * goes to it, and the store closes it with itself. Without it, a SQLite
   * file is written on this thread. Not called for PostgreSQL or `:memory:`.
   */
  startSqliteWriter?: (settings: SqliteWriterSettings) => SqliteWriter;
}

/** Ingest transactions run on the calling thread (PostgreSQL, in-memory SQLite, or a SQLite file without a writer). */
export interface ReportWrites {
  /** Runs `work` in one write transaction, committing when it resolves. */
  transaction: WriteTransaction;
  /** Readies the store for reports of `days`, outside the transaction (PostgreSQL: each day's partition). */
  prepareDays(days: ReadonlySet<number>): Promise<void>;
}

// The writer thread may wait long for a lock: it blocks only itself (another process on the file, a backup).
const WRITER_BUSY_TIMEOUT_MS = 60_000;

interface OpenedDatabase {
  db: Kysely<Database>;
  writeTransaction: WriteTransaction;
  /** Tells the writer that a bucket was deleted, where it keeps series ids. */
  forgetBucket?: (bucketId: string) => void;
  /** SQLite without a writer thread: catches up the detail of every listed rollup now. */
  catchUpDetail?: () => Promise<number>;
  /** Readies the store for reports of `days`, outside their transaction (PostgreSQL: the day partitions). */
  prepareDays?: (days: ReadonlySet<number>) => Promise<void>;
  /** SQLite: sends every later write of `db` to the writer. */
  attachWriter?: (writer: SqliteWriter) => void;
}

function openDatabase(options: StoreOptions, log: (message: string) => void): OpenedDatabase {
  const { databaseUrl } = options;
  if (databaseUrl.startsWith('sqlite:')) {
    return openSqliteDatabase(databaseUrl.slice('sqlite:'.length), options.staleAfterMs, options.sqliteBusyTimeoutMs);
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const db = openPostgresDatabase(databaseUrl, log);
    const partitions = new ReportPartitions(db, log);
    return {
      db,
      writeTransaction: (work) => db.transaction().execute((trx) => work(new PostgresWriteOps(trx))),
      prepareDays: (days) => partitions.ensure(days),
    };
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got ${JSON.stringify(databaseUrl)}`);
}

/** The path of a SQLite store file; undefined for PostgreSQL and an in-memory SQLite. */
function sqliteFileOf(databaseUrl: string): string | undefined {
  const path = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : undefined;
  return path === ':memory:' ? undefined : path;
}

/** A SQLite file belongs to one process (see `SqliteStoreLock`); PostgreSQL and in-memory stores need no lock. */
async function lockStoreFile(databaseUrl: string): Promise<SqliteStoreLock | undefined> {
  const path = sqliteFileOf(databaseUrl);
  return path === undefined ? undefined : SqliteStoreLock.acquire(path);
}

/**
 * Opens the store, creating or migrating its schema first. A SQLite file
 * that another process holds is refused with a `StoreInUseError` naming it.
 * The service opens it with its report pipeline (`openServiceStore`).
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
  const writer = startWriter(options, opened);
  events.on('bucketDeleted', (bucketId) => (writer ? writer.forgetBucket(bucketId) : opened.forgetBucket?.(bucketId)));
  const purge = new DeletedSeriesPurge(db, log);
  purge.resume();
  const detail = isPostgres(db) ? new PostgresDetailCatchUp(db, options.staleAfterMs, log) : undefined;
  detail?.start();
  return {
    kind: isPostgres(db) ? 'postgres' : 'sqlite',
    db,
    users: new UserStore(db),
    tokens: new TokenStore(db, events),
    workspaces: new WorkspaceStore(db, events),
    buckets: new BucketStore(db, events, purge),
    nodes,
    stats: new StatsStore(db, nodes, events, options.staleAfterMs),
    alertRules: new AlertRuleStore(db),
    alertOutbox: new AlertOutbox(db),
    alertDeliveries: new AlertDeliveryStore(db),
    maintenance: new MaintenanceStore(db),
    events,
    writes: {
      transaction: opened.writeTransaction,
      prepareDays: async (days) => opened.prepareDays?.(days),
    },
    catchUpRollupDetail: async () => (await (detail?.runOnce() ?? writer?.catchUpDetail() ?? opened.catchUpDetail?.())) ?? 0,
    ping: async () => {
      await db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
      if (writer && !writer.running) throw new Error('the store can no longer write reports');
      return true;
    },
    close: async () => {
      await purge.stop();
      await detail?.stop();
      await writer?.close();
      await db.destroy();
      lock?.release();
    },
  };
}

/**
 * The writer of a SQLite file, attached before anything else writes (see
 * `StoreOptions.startSqliteWriter`); none for PostgreSQL, whose server does
 * the work, or an in-memory SQLite, which no other connection can open.
 */
function startWriter(options: StoreOptions, opened: OpenedDatabase): SqliteWriter | undefined {
  const path = sqliteFileOf(options.databaseUrl);
  if (path === undefined || !options.startSqliteWriter) return undefined;
  const writer = options.startSqliteWriter({ path, busyTimeoutMs: options.sqliteBusyTimeoutMs ?? WRITER_BUSY_TIMEOUT_MS });
  opened.attachWriter?.(writer);
  return writer;
}
