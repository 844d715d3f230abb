import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDriver from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from '../database-schema.js';
import type { WriteTransaction } from '../write-ops.js';
import { SqliteRoutedDialect, type StatementWriter } from './sqlite-routed-dialect.js';
import { SqliteWriteOps } from './sqlite-write-ops.js';

/** How long the main thread's connection waits for a lock (it writes only while the store opens). */
export const MAIN_BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens the embedded store at `path`, creating its folder.
 * WAL with `synchronous=FULL`: a write acknowledged with a 2xx survives a
 * crash of the process or the machine.
 *
 * @example
 * const { db, writeTransaction, attachWriter } = openSqliteDatabase('./data/flashback.db', 180_000);
 */
export function openSqliteDatabase(
  path: string,
  staleAfterMs: number,
  busyTimeoutMs = MAIN_BUSY_TIMEOUT_MS,
): {
  db: Kysely<Database>;
  writeTransaction: WriteTransaction;
  forgetBucket: (bucketId: string) => void;
  catchUpDetail: () => Promise<number>;
  /** Sends every later write to the writer thread (see `SqliteRoutedDialect`). */
  attachWriter: (writer: StatementWriter) => void;
} {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = openSqliteConnection(path, busyTimeoutMs);
  const dialect = new SqliteRoutedDialect(sqlite);
  const db = new Kysely<Database>({ dialect });
  const writes = sqliteWriteTransaction(db, sqlite, staleAfterMs);
  return { db, ...writes, attachWriter: (writer) => dialect.attachWriter(writer) };
}

/**
 * One connection to the file at `path`, set up as every connection of the
 * service is: WAL with `synchronous=FULL`, foreign keys, and waiting up to
 * `busyTimeoutMs` for the write lock that another connection holds.
 */
export function openSqliteConnection(path: string, busyTimeoutMs: number): SqliteDriver.Database {
  const sqlite = new SqliteDriver(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  return sqlite;
}

/**
 * Ingest transactions on SQLite run raw prepared statements on Kysely's
 * one connection, held for the whole transaction so that no other query
 * interleaves. The statements are prepared on first use, after migrations.
 */
function sqliteWriteTransaction(
  db: Kysely<Database>,
  sqlite: SqliteDriver.Database,
  staleAfterMs: number,
): Pick<ReturnType<typeof openSqliteDatabase>, 'writeTransaction' | 'forgetBucket' | 'catchUpDetail'> {
  let ops: SqliteWriteOps | undefined;
  const withOps = <T>(work: (ops: SqliteWriteOps) => Promise<T>): Promise<T> =>
    db.connection().execute(async () => work((ops ??= new SqliteWriteOps(sqlite, staleAfterMs))));
  return {
    writeTransaction: (work) => withOps((o) => o.transaction(work)),
    forgetBucket: (bucketId) => ops?.forgetBucket(bucketId),
    catchUpDetail: () => withOps((o) => o.catchUpDetail()),
  };
}
