import type { StatementWriter } from './sqlite-routed-dialect.js';

/** Where a writer of a SQLite store file opens its own connection to it. */
export interface SqliteWriterSettings {
  path: string;
  /** How long the writer's connection waits for the file's write lock (`busy_timeout`). */
  busyTimeoutMs: number;
}

/**
 * The one connection that writes a SQLite store file once the store has
 * attached it (the report pipeline's writer thread, `SqliteWriterThread`):
 * it runs the store's statements that write (`StatementWriter`), and the
 * store drives its life: told of deleted buckets, asked whether it still
 * runs (readiness), closed with the store.
 *
 * @example
 * const store = await openStore({ databaseUrl, staleAfterMs, startSqliteWriter: (file) => new SqliteWriterThread({ ...file, staleAfterMs }) });
 */
export interface SqliteWriter extends StatementWriter {
  /** A bucket was deleted: the series the writer kept there are gone. */
  forgetBucket(bucketId: string): void;
  /** Catches up the detail of every listed rollup now; answers how many. */
  catchUpDetail(): Promise<number>;
  /** Whether it still takes writes (without it, nothing can be stored). */
  readonly running: boolean;
  /** Closes its connection once the writes sent before are done. */
  close(): Promise<void>;
}
