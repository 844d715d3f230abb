import { openStore, type ReportWrites, type Store, type StoreOptions } from '../store/store.js';
import { dayOf } from '../time/instant.js';
import { writeGroup, type GroupBatch, type GroupCommitter } from './group-write.js';
import { ReportIngest } from './report-ingest.js';
import { SqliteWriterThread } from './sqlite-writer-thread.js';

/** The store with the report pipeline in front of it: what the service runs on. */
export interface ServiceStore extends Store {
  /** Where reports come in: scheduled into group commits, each one transaction (see `ReportIngest`). */
  reports: ReportIngest;
}

const daysOf = (group: readonly GroupBatch[]): Set<number> =>
  new Set(group.flatMap((batch) => batch.reports.map((r) => dayOf(r.at))));

/** Group commits on the calling thread: PostgreSQL, whose server does the work, or an in-memory SQLite. */
function sameThreadCommitter(writes: ReportWrites, staleAfterMs: number): GroupCommitter {
  return async (group) => {
    await writes.prepareDays(daysOf(group));
    return writes.transaction((ops) => writeGroup(ops, group, staleAfterMs));
  };
}

/**
 * Opens the store (see `openStore`) with its report pipeline. A SQLite
 * file gets a writer thread of its own (see `SqliteWriterThread`), which
 * runs the group commits and every other write of the store; elsewhere
 * group commits run on the calling thread.
 *
 * @example
 * const store = await openServiceStore({ databaseUrl: 'sqlite:./data/flashback.db', staleAfterMs: 180_000 });
 * await store.reports.ingest([{ nodeId, bucketId, at: Date.now(), status: 'ONLINE', latencyMs: 42 }]);
 */
export async function openServiceStore(options: Omit<StoreOptions, 'startSqliteWriter'>): Promise<ServiceStore> {
  const started: { thread?: SqliteWriterThread } = {};
  const store = await openStore({
    ...options,
    startSqliteWriter: (settings) =>
      (started.thread = new SqliteWriterThread({ ...settings, staleAfterMs: options.staleAfterMs })),
  });
  const { thread } = started;
  const commit: GroupCommitter = thread
    ? (group) => thread.write(group)
    : sameThreadCommitter(store.writes, options.staleAfterMs);
  return { ...store, reports: new ReportIngest(commit, store.events) };
}
