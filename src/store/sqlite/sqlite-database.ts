import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDriver from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../database-schema.js';
import type { WriteTransaction } from '../write-ops.js';
import { SqliteWriteOps } from './sqlite-write-ops.js';

/**
 * Opens the embedded store at `path`, creating its folder.
 * WAL with `synchronous=FULL`: a write acknowledged with a 2xx survives a
 * crash of the process or the machine.
 *
 * @example
 * const { db, writeTransaction } = openSqliteDatabase('./data/flashback.db');
 */
export function openSqliteDatabase(path: string): {
  db: Kysely<Database>;
  writeTransaction: WriteTransaction;
  forgetBucket: (bucketId: string) => void;
} {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = openSqliteConnection(path);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const writes = sqliteWriteTransaction(db, sqlite);
  return { db, ...writes };
}

/**
 * One connection to the file at `path`, set up as every connection of the
 * service is: WAL with `synchronous=FULL`, foreign keys, and waiting up to
 * 5 s for the write lock that another connection holds.
 */
export function openSqliteConnection(path: string): SqliteDriver.Database {
  const sqlite = new SqliteDriver(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
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
): { writeTransaction: WriteTransaction; forgetBucket: (bucketId: string) => void } {
  let ops: SqliteWriteOps | undefined;
  const writeTransaction: WriteTransaction = (work) =>
    db.connection().execute(async () => {
      ops ??= new SqliteWriteOps(sqlite);
      return ops.transaction(work);
    });
  return { writeTransaction, forgetBucket: (bucketId) => ops?.forgetBucket(bucketId) };
}
