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
      const result = await ops.transaction((trx) => writeGroup(trx, request.group, staleAfterMs));
      port.postMessage({ id: request.id, result });
    } catch (error) {
      const { message, code } = error as { message?: string; code?: unknown };
      port.postMessage({ id: request.id, error: { message: message ?? String(error), code } });
    }
  });
});
