import { parentPort, workerData } from 'node:worker_threads';
import { writeGroup, type GroupBatch } from '../group-write.js';
import { openSqliteConnection } from './sqlite-database.js';
import { SqliteWriteOps } from './sqlite-write-ops.js';

/** What `SqliteWriterThread` asks of this thread. */
export type WriterRequest = { id: number; group: GroupBatch[] } | { forgetBucket: string } | { close: true };

const { path, staleAfterMs } = workerData as { path: string; staleAfterMs: number };
const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker runs as a worker thread');

const sqlite = openSqliteConnection(path);
// A bucket deleted whole, on the main connection, can hold the lock for long:
// ingest waits for it, as it would queued behind it on one connection.
sqlite.pragma('busy_timeout = 60000');
const ops = new SqliteWriteOps(sqlite);
const begin = sqlite.prepare('begin immediate');
const commit = sqlite.prepare('commit');
const rollback = sqlite.prepare('rollback');

// One group at a time, in the order sent (the sender waits for each answer anyway).
let queue = Promise.resolve();
port.on('message', (request: WriterRequest) => {
  queue = queue.then(async () => {
    if ('close' in request) {
      sqlite.close();
      port.close();
      return;
    }
    if ('forgetBucket' in request) {
      ops.forgetBucket(request.forgetBucket);
      return;
    }
    try {
      // IMMEDIATE takes the write lock at once: no upgrade that could fail half way.
      begin.run();
      const result = await writeGroup(ops, request.group, staleAfterMs);
      commit.run();
      port.postMessage({ id: request.id, result });
    } catch (error) {
      if (sqlite.inTransaction) rollback.run();
      ops.forgetAll();
      const { message, code } = error as { message?: string; code?: unknown };
      port.postMessage({ id: request.id, error: { message: message ?? String(error), code } });
    }
  });
});
