import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import {
  SqliteDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/** One compiled statement, as plain data (it crosses to the writer thread). */
export interface WriterStatement {
  sql: string;
  parameters: readonly unknown[];
}

/** A step of a write transaction run on the writer thread. */
export type TransactionStep = 'begin' | 'commit' | 'rollback';

/**
 * What runs the statements that write: the SQLite writer thread (see
 * `SqliteWriterThread`). Statements of one `session` form one transaction,
 * which the writer runs alone, between two group commits.
 */
export interface StatementWriter {
  execute(statement: WriterStatement, session?: number): Promise<QueryResult<unknown>>;
  transaction(session: number, step: TransactionStep): Promise<void>;
}

/** Runs a prepared statement as Kysely's own SQLite driver does. */
export function runStatement(statement: Statement, parameters: readonly unknown[]): QueryResult<unknown> {
  // An array binds its items in order, as Kysely's own driver passes them.
  if (statement.reader) return { rows: statement.all(parameters) };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
}

/** One user of the local connection at a time (a transaction holds it until it ends). */
class Mutex {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  unlock(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}

class RoutedConnection implements DatabaseConnection {
  /** The writer thread's transaction this connection runs, if any. */
  private session: number | undefined;
  private localTransaction = false;

  constructor(
    private readonly driver: SqliteRoutedDriver,
    /** Whether this connection holds the local connection's mutex. */
    private holdsLocal: boolean,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { writer, sqlite, mutex } = this.driver;
    const parameters = query.parameters;
    if (this.session !== undefined && writer) {
      return (await writer.execute({ sql: query.sql, parameters }, this.session)) as QueryResult<R>;
    }
    const statement = sqlite.prepare(query.sql);
    if (this.holdsLocal) return runStatement(statement, parameters) as QueryResult<R>;
    if (!statement.readonly && writer) return (await writer.execute({ sql: query.sql, parameters })) as QueryResult<R>;
    await mutex.lock();
    try {
      return runStatement(statement, parameters) as QueryResult<R>;
    } finally {
      mutex.unlock();
    }
  }

  // eslint-disable-next-line require-yield
  async *streamQuery(): AsyncIterableIterator<QueryResult<never>> {
    throw new Error('the SQLite store does not stream queries');
  }

  async begin(settings: TransactionSettings): Promise<void> {
    const { writer, sqlite, mutex } = this.driver;
    if (writer && !this.holdsLocal && settings.accessMode !== 'read only') {
      const session = this.driver.nextSession();
      await writer.transaction(session, 'begin');
      this.session = session;
      return;
    }
    // A read-only transaction stays on this thread's connection: WAL gives it a snapshot while the writer writes.
    if (!this.holdsLocal) {
      await mutex.lock();
      this.holdsLocal = true;
      this.localTransaction = true;
    }
    sqlite.prepare('begin').run();
  }

  async end(step: 'commit' | 'rollback'): Promise<void> {
    const { writer, sqlite } = this.driver;
    if (this.session !== undefined && writer) {
      // Kept until the step succeeds: after a failed commit, Kysely asks for the rollback.
      await writer.transaction(this.session, step);
      this.session = undefined;
      return;
    }
    try {
      if (step === 'commit' || sqlite.inTransaction) sqlite.prepare(step).run();
    } finally {
      if (this.localTransaction) {
        this.localTransaction = false;
        this.release();
      }
    }
  }

  release(): void {
    if (!this.holdsLocal) return;
    this.holdsLocal = false;
    this.driver.mutex.unlock();
  }
}

class SqliteRoutedDriver implements Driver {
  writer: StatementWriter | undefined;
  readonly mutex = new Mutex();
  private sessions = 0;

  constructor(readonly sqlite: SqliteDatabase) {}

  async init(): Promise<void> {}

  nextSession(): number {
    return ++this.sessions;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // Without a writer (while migrating at start, or an in-memory store) it is Kysely's own
    // SQLite driver: one connection, one user at a time. With one, reads take the connection
    // only while they run, and writes never take it.
    if (this.writer) return new RoutedConnection(this, false);
    await this.mutex.lock();
    return new RoutedConnection(this, true);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as RoutedConnection).begin(settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutedConnection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutedConnection).end('rollback');
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as RoutedConnection).release();
  }

  async destroy(): Promise<void> {
    this.sqlite.pragma('query_only = OFF');
    this.sqlite.close();
  }
}

/**
 * Kysely on better-sqlite3 where every statement that writes, and every
 * transaction not declared read-only, runs on the SQLite writer thread once
 * one is attached (`attachWriter`), and the reads run on this thread's own
 * connection. A request then never waits on this thread for the file's
 * write lock: the writer thread takes its writes in the order they come,
 * between group commits, and a blocked better-sqlite3 call blocks that
 * thread only. The local connection is set `query_only`, so that a write
 * that would slip through fails loudly instead of taking the lock.
 *
 * @example
 * const dialect = new SqliteRoutedDialect(sqlite);
 * const db = new Kysely<Database>({ dialect });
 * dialect.attachWriter(writerThread);
 */
export class SqliteRoutedDialect extends SqliteDialect {
  private readonly driver: SqliteRoutedDriver;

  constructor(sqlite: SqliteDatabase) {
    super({ database: sqlite });
    this.driver = new SqliteRoutedDriver(sqlite);
  }

  override createDriver(): Driver {
    return this.driver;
  }

  /** From now on, writes go to `writer`, and this thread's connection only reads. */
  attachWriter(writer: StatementWriter): void {
    this.driver.writer = writer;
    this.driver.sqlite.pragma('query_only = ON');
  }
}
