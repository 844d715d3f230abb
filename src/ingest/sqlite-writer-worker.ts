import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { BUSY_RETRY_LIMIT_MS, retryWhileBusy } from '../store/sqlite/busy-retry.js';
import { openSqliteConnection } from '../store/sqlite/sqlite-database.js';
import { runStatement, type TransactionStep, type WriterStatement } from '../store/sqlite/sqlite-routed-dialect.js';
import { SqliteWriteOps } from '../store/sqlite/sqlite-write-ops.js';
import type { SqliteWriterSettings } from '../store/sqlite/sqlite-writer.js';
import { groupWriteOf, MAX_GROUP_REPORTS, writeGroup, type GroupBatch } from './group-write.js';

type GroupRequest = { id: number; group: GroupBatch[] };

/** What `SqliteWriterThread` asks of this thread. */
export type WriterRequest =
  | GroupRequest
  | { id: number; statement: WriterStatement; session?: number }
  | { id: number; session: number; step: TransactionStep }
  | { forgetBucket: string }
  | { id: number; catchUpDetail: true }
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

// The writer's page cache: a 32nd of the file, from SQLite's default 2 MiB up to 32 MiB. At a million
// series (a 1.8 GB file) a group commit of 1 000 entries touches pages of the rollups, the series index and
// the raw reports for each, far more than 2 MiB hold: with 2 (and 16) the writer fell behind the fleet, with
// 32 it held the rate (BENCHMARKS.md, session 27). A small store keeps the default, and the memory.
const MIN_CACHE_KIB = 2 * 1024;
const MAX_CACHE_KIB = 32 * 1024;
const CACHE_SIZED_EVERY_MS = 60_000;

const { path, staleAfterMs, busyTimeoutMs } = workerData as WriterSettings;
const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker runs as a worker thread');

const sqlite = openSqliteConnection(path, busyTimeoutMs);
sizePageCache();
setInterval(sizePageCache, CACHE_SIZED_EVERY_MS).unref();
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

/** Sets the page cache for the file's size now (the pragma holds no lock; it may run inside a transaction). */
function sizePageCache(): void {
  if (!sqlite.open) return;
  const fileBytes =
    (sqlite.pragma('page_count', { simple: true }) as number) * (sqlite.pragma('page_size', { simple: true }) as number);
  const kib = Math.min(MAX_CACHE_KIB, Math.max(MIN_CACHE_KIB, Math.round(fileBytes / 32 / 1024)));
  sqlite.pragma(`cache_size = -${kib}`);
}

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
    await commitGroups([request, ...takeQueuedGroups(request)]);
    return;
  }
  if ('catchUpDetail' in request) {
    await answer(request.id, () => ops().catchUpDetail());
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

const reportCount = (group: readonly GroupBatch[]): number => group.reduce((sum, batch) => sum + batch.reports.length, 0);

/**
 * The next request sent: the first waiting, or else one still in the port's queue. A message event runs its
 * request to the end before the next event, so the ones sent meanwhile are only seen by asking the port.
 */
function nextRequest(): WriterRequest | undefined {
  if (waiting.length === 0 && port) {
    const received = receiveMessageOnPort(port);
    if (received) waiting.push(received.message as WriterRequest);
  }
  return waiting[0];
}

/** The group commits sent right after `first` (nothing else between), up to MAX_GROUP_REPORTS reports in all. */
function takeQueuedGroups(first: GroupRequest): GroupRequest[] {
  const taken: GroupRequest[] = [];
  let size = reportCount(first.group);
  for (let next = nextRequest(); next && 'group' in next; next = nextRequest()) {
    size += reportCount(next.group);
    if (size > MAX_GROUP_REPORTS) break;
    taken.push(next);
    waiting.shift();
  }
  return taken;
}

/**
 * Group commits that queued here while this thread was busy, in one transaction: ReportIngest lets several
 * run at once, each usually one request of a node, and one durable commit per request took a quarter of this
 * thread's time. Their batches are one longer group (earlier ones win repeats, as within a group; no node is
 * in two of them, ReportIngest sees to that); each is answered its own part. When the whole fails, each runs
 * again alone, so that one group's failure fails no other.
 */
async function commitGroups(requests: GroupRequest[]): Promise<void> {
  const [first] = requests;
  if (requests.length === 1 && first) {
    await answer(first.id, () => ops().transaction((trx) => writeGroup(trx, first.group, staleAfterMs)));
    return;
  }
  const batches = requests.flatMap((request) => request.group);
  let written;
  try {
    written = await ops().transaction((trx) => writeGroup(trx, batches, staleAfterMs));
  } catch {
    for (const request of requests) await commitGroups([request]);
    return;
  }
  let offset = 0;
  for (const { id, group } of requests) {
    port?.postMessage({ id, result: groupWriteOf(written, offset, group.length) });
    offset += group.length;
  }
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
