import { parentPort, workerData } from 'node:worker_threads';
import { BUSY_RETRY_LIMIT_MS, retryWhileBusy } from '../store/sqlite/busy-retry.js';
import { openSqliteConnection } from '../store/sqlite/sqlite-database.js';
import { runStatement, type TransactionStep, type WriterStatement } from '../store/sqlite/sqlite-routed-dialect.js';
import { SqliteWriteOps } from '../store/sqlite/sqlite-write-ops.js';
import type { SqliteWriterSettings } from '../store/sqlite/sqlite-writer.js';
import { writeGroup, type GroupBatch } from './group-write.js';

/** What `SqliteWriterThread` asks of this thread. */
export type WriterRequest =
  | { id: number; group: GroupBatch[] }
  | { id: number; statement: WriterStatement; session?: number }
  | { id: number; session: number; step: TransactionStep }
  | { forgetBucket: string }
  | { close: true };

/** The settings `SqliteWriterThread` starts this thread with: the store's file, and the rollups' staleness. */
export interface WriterSettings extends SqliteWriterSettings {
  staleAfterMs: number;
}

// A transaction of the main thread that sends nothing for this long is rolled back:
// group commits wait while it runs, and must not wait for ever on a caller that stalled.
const IDLE_SESSION_MS = 10_000;
// Statements routed here (purges, rebuilds) that may change `daily_rollups`.
const WRITES_ROLLUPS = /^\s*(with|insert|update|delete|replace|drop|alter)\b[^]*\bdaily_rollups\b/i;

const { path, staleAfterMs, busyTimeoutMs } = workerData as WriterSettings;
const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker runs as a worker thread');

const sqlite = openSqliteConnection(path, busyTimeoutMs);
const beginImmediate = sqlite.prepare('begin immediate');
// Prepared on the first group commit: a store opened at an older migration (tests) has plain writes only.
let groupOps: SqliteWriteOps | undefined;
const ops = (): SqliteWriteOps => (groupOps ??= new SqliteWriteOps(sqlite, staleAfterMs));

const waiting: WriterRequest[] = [];
/** The main thread's transaction running now: until it ends, only its own statements run. */
let active: number | undefined;
let idle: NodeJS.Timeout | undefined;
const abandoned = new Set<number>();
let draining = false;

const sessionOf = (request: WriterRequest): number | undefined => ('session' in request ? request.session : undefined);

port.on('message', (request: WriterRequest) => {
  waiting.push(request);
  void drain();
});

/** Runs the requests in the order sent, except that a running transaction's own come first. */
async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    for (;;) {
      const index = active === undefined ? (waiting.length > 0 ? 0 : -1) : waiting.findIndex((r) => sessionOf(r) === active);
      if (index < 0) return;
      const [request] = waiting.splice(index, 1);
      if (request) await handle(request);
    }
  } finally {
    draining = false;
  }
}

async function handle(request: WriterRequest): Promise<void> {
  if ('close' in request) {
    sqlite.close();
    port?.close();
    return;
  }
  if ('forgetBucket' in request) {
    groupOps?.forgetBucket(request.forgetBucket);
    return;
  }
  if ('group' in request) {
    await answer(request.id, () => ops().transaction((trx) => writeGroup(trx, request.group, staleAfterMs)));
    return;
  }
  const { session } = request;
  if (session !== undefined && abandoned.has(session)) {
    if ('step' in request && request.step === 'rollback') abandoned.delete(session);
    await answer(request.id, () => {
      if ('step' in request && request.step === 'rollback') return undefined;
      throw new Error(`the transaction was rolled back after ${IDLE_SESSION_MS / 1000} s without a statement`);
    });
    return;
  }
  if ('statement' in request) {
    const { sql, parameters } = request.statement;
    if (session !== undefined) keepAlive();
    // The group commits' kept rollup rows must not outlive another writer's change of them.
    if (WRITES_ROLLUPS.test(sql)) groupOps?.forgetRollups();
    // Outside a transaction a statement that found the file busy did nothing: it may run again.
    await answer(request.id, () =>
      session === undefined
        ? retryWhileBusy(() => runStatement(sqlite.prepare(sql), parameters), BUSY_RETRY_LIMIT_MS)
        : runStatement(sqlite.prepare(sql), parameters),
    );
    return;
  }
  await answer(request.id, () => step(request.session, request.step));
}

async function step(session: number, which: TransactionStep): Promise<void> {
  if (which === 'begin') {
    // IMMEDIATE takes the write lock at once: no upgrade that could fail half way.
    await retryWhileBusy(() => beginImmediate.run(), BUSY_RETRY_LIMIT_MS);
    active = session;
    keepAlive();
    return;
  }
  if (which === 'commit') sqlite.prepare('commit').run();
  else if (sqlite.inTransaction) sqlite.prepare('rollback').run();
  endSession();
}

function keepAlive(): void {
  clearTimeout(idle);
  idle = setTimeout(() => {
    if (active === undefined) return;
    if (sqlite.inTransaction) sqlite.prepare('rollback').run();
    abandoned.add(active);
    endSession();
    void drain();
  }, IDLE_SESSION_MS);
}

function endSession(): void {
  clearTimeout(idle);
  idle = undefined;
  active = undefined;
}

async function answer(id: number, work: () => unknown): Promise<void> {
  try {
    port?.postMessage({ id, result: await work() });
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    port?.postMessage({ id, error: { message: message ?? String(error), code } });
  }
}
