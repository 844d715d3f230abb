import { Worker } from 'node:worker_threads';
import type { GroupBatch, GroupWrite } from '../group-write.js';
import type { WriterRequest } from './sqlite-writer-worker.js';

/**
 * The writer thread, started on the built worker beside this file, or, run
 * from the sources (tsx, as the tests do), on the .ts worker through tsx's
 * loader, which a worker does not inherit from `--import tsx`.
 */
function startWorker(workerData: { path: string; staleAfterMs: number }): Worker {
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

type WriterAnswer = { id: number; result: GroupWrite } | { id: number; error: { message: string; code?: unknown } };

/**
 * Group commits on SQLite, run by a thread of their own on its own
 * connection to the file. better-sqlite3 blocks the thread that calls it
 * for the whole transaction, the durable commit included; here that is not
 * the thread that parses, validates and verifies the next requests, so
 * both cores work. Readers keep the main connection (WAL lets them read
 * while this one writes).
 *
 * @example
 * const writer = new SqliteWriterThread('./data/flashback.db', 180_000);
 * const done = await writer.write([{ reports, guard: undefined }]);
 */
export class SqliteWriterThread {
  private readonly worker: Worker;
  private nextId = 0;
  // Set once the thread is gone: later writes fail at once instead of waiting for ever.
  private stopped: Error | undefined;
  private closing = false;
  private readonly exited: Promise<void>;
  private readonly waiting = new Map<number, { resolve: (write: GroupWrite) => void; reject: (error: Error) => void }>();

  constructor(path: string, staleAfterMs: number) {
    this.worker = startWorker({ path, staleAfterMs });
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
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      this.post({ id, group: [...group] });
    });
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
