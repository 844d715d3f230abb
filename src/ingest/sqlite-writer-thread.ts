import { Worker } from 'node:worker_threads';
import type { QueryResult } from 'kysely';
import type { TransactionStep, WriterStatement } from '../store/sqlite/sqlite-routed-dialect.js';
import type { SqliteWriter } from '../store/sqlite/sqlite-writer.js';
import type { GroupBatch, GroupWrite } from './group-write.js';
import type { WriterRequest, WriterSettings } from './sqlite-writer-worker.js';

/**
 * The writer thread, started on the built worker beside this file, or, run
 * from the sources (tsx, as the tests do), on the .ts worker through tsx's
 * loader, which a worker does not inherit from `--import tsx`.
 */
function startWorker(workerData: WriterSettings): Worker {
  // A group commit holds at most 10 000 reports: a small heap is plenty, and it keeps the process small.
  const resourceLimits = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 };
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./sqlite-writer-worker.js', import.meta.url), { workerData, resourceLimits });
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = new URL('./sqlite-writer-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
}

type WriterAnswer = { id: number; result: unknown } | { id: number; error: { message: string; code?: unknown } };

// Spread over the union so that each kind of request loses its `id` alone.
type Unnumbered<T> = T extends { id: number } ? Omit<T, 'id'> : never;

/**
 * Group commits on SQLite, run by a thread of their own on its own
 * connection to the file. better-sqlite3 blocks the thread that calls it
 * for the whole transaction, the durable commit included; here that is not
 * the thread that parses, validates and verifies the next requests, so
 * both cores work. Every other write of the store comes here too, as
 * statements (`StatementWriter`, see `SqliteRoutedDialect`), so that this
 * connection is the file's only writer: readers keep the main connection
 * (WAL lets them read while this one writes), and no request waits on the
 * main thread for the write lock.
 *
 * @example
 * const writer = new SqliteWriterThread({ path: './data/flashback.db', staleAfterMs: 180_000, busyTimeoutMs: 60_000 });
 * const done = await writer.write([{ reports, guard: undefined }]);
 */
export class SqliteWriterThread implements SqliteWriter {
  private readonly worker: Worker;
  private nextId = 0;
  // Set once the thread is gone: later writes fail at once instead of waiting for ever.
  private stopped: Error | undefined;
  private closing = false;
  private readonly exited: Promise<void>;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();

  constructor(settings: WriterSettings) {
    this.worker = startWorker(settings);
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // Only a write in flight (or closing) keeps the process alive.
    this.worker.unref();
    this.worker.on('message', (answer: WriterAnswer) => {
      const waiter = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0 && !this.closing) this.worker.unref();
      if (!waiter) return;
      if ('result' in answer) waiter.resolve(answer.result);
      else waiter.reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
    });
    this.worker.on('error', (error) => this.stop(error));
    this.worker.on('exit', () => this.stop(new Error('the SQLite writer thread stopped')));
  }

  write(group: readonly GroupBatch[]): Promise<GroupWrite> {
    return this.ask({ group: [...group] });
  }

  /** Runs one statement: alone (its own transaction), or in the transaction `session`. */
  execute(statement: WriterStatement, session?: number): Promise<QueryResult<unknown>> {
    return this.ask({ statement, ...(session !== undefined && { session }) });
  }

  /** Begins, commits or rolls back the transaction `session`; while it runs, nothing else is written. */
  transaction(session: number, step: TransactionStep): Promise<void> {
    return this.ask({ session, step });
  }

  private ask<T>(request: Unnumbered<WriterRequest>): Promise<T> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.worker.ref();
      this.post({ ...request, id });
    });
  }

  /** Catches up the detail of every listed rollup now (`SqliteRollupDetails`); answers how many. */
  catchUpDetail(): Promise<number> {
    return this.ask({ catchUpDetail: true });
  }

  /** Tells the thread a bucket was deleted, so that it forgets the series it knew there. */
  forgetBucket(bucketId: string): void {
    this.post({ forgetBucket: bucketId });
  }

  /** Whether the thread still takes writes (readiness: without it, nothing can be stored). */
  get running(): boolean {
    return this.stopped === undefined;
  }

  /** Closes the thread's connection once the writes sent before are done. */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.closing = true;
    this.worker.ref();
    this.post({ close: true });
    await this.exited;
  }

  private post(request: WriterRequest): void {
    this.worker.postMessage(request);
  }

  private stop(error: Error): void {
    this.stopped ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
