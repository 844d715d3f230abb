import type { Kysely } from 'kysely';
import { DAY_MS, dayOf } from '../time/instant.js';
import { deleteSeriesReports } from './chunked-report-deletes.js';
import type { Database } from './database-schema.js';
import { isPostgres } from './dialect.js';
import { dropPartitionsBefore, reportsLeftBefore } from './postgres/report-partitions.js';

/** Set once raw reports were dropped: rollups can no longer be rebuilt from them. */
export const RAW_DROPPED_KEY = 'raw_reports_dropped';

/**
 * The first UTC day whose raw reports are kept with `RAW_RETENTION_DAYS`
 * = `retentionDays`: the whole day holding the cutoff instant stays, so
 * that any report still accepted (at most that old) finds every report of
 * its own day, which an out-of-order rollup recompute reads.
 */
export function firstKeptDay(now: number, retentionDays: number): number {
  return dayOf(now - retentionDays * DAY_MS);
}

/** What one pass of retention removed. */
export interface RetentionPass {
  /** Reports deleted row by row. */
  deletedReports: number;
  /** Day partitions dropped whole (PostgreSQL). */
  droppedPartitions: string[];
}

/**
 * Removes raw reports dated before `firstKeptDay`. On PostgreSQL, whole day
 * partitions go first (`dropPartitionsBefore`). What is left (every report
 * on SQLite; on PostgreSQL those in the default partition or stored before
 * partitioning, if any: `reportsLeftBefore`) is deleted one series at a time, in chunks of
 * short transactions through the primary key (`deleteSeriesReports`), so that ingest never
 * waits long behind it; on SQLite every statement runs on the writer thread, between group commits.
 * Daily rollups stay, and with them the answers of every past day.
 *
 * @example
 * await dropRawReports(store.db, firstKeptDay(Date.now(), 90));
 */
export async function dropRawReports(db: Kysely<Database>, firstKeptDayNumber: number): Promise<RetentionPass> {
  const before = firstKeptDayNumber * DAY_MS;
  // A series starts at its earliest report: these are the ones with reports to drop.
  const series = await db.selectFrom('series').select('id').where('first_at', '<', before).orderBy('id').execute();
  if (series.length > 0) {
    // Said before the first report goes: a pass cut short (a lock timeout, a
    // crash) must still stop a rebuild of rollups from what is left.
    await db
      .insertInto('settings')
      .values({ key: RAW_DROPPED_KEY, value: 'true' })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: 'true' }))
      .execute();
  }
  const droppedPartitions = isPostgres(db) ? await dropPartitionsBefore(db, firstKeptDayNumber) : [];
  let deletedReports = 0;
  if (!isPostgres(db)) {
    // Few, and only as old as an import that just came in: one statement.
    const recent = await db.deleteFrom('reports_recent').where('at', '<', before).executeTakeFirst();
    deletedReports += Number(recent.numDeletedRows);
  }
  const rowsLeft = !isPostgres(db) || (await reportsLeftBefore(db, before));
  for (const { id } of rowsLeft ? series : []) deletedReports += await deleteSeriesReports(db, id, { before });
  return { deletedReports, droppedPartitions };
}

/**
 * Runs `dropRawReports` now and then every hour while the service runs.
 * Returns a function that stops it.
 */
export function scheduleRawRetention(
  db: Kysely<Database>,
  retentionDays: number,
  now: () => number,
  log: (message: string) => void,
): () => void {
  if (retentionDays <= 0) return () => undefined;
  const run = (): void =>
    void dropRawReports(db, firstKeptDay(now(), retentionDays)).then(
      ({ deletedReports, droppedPartitions }) =>
        (deletedReports > 0 || droppedPartitions.length > 0) &&
        log(
          `raw-report retention (older than ${retentionDays} days): deleted ${deletedReports} reports` +
            (droppedPartitions.length > 0 ? `, dropped ${droppedPartitions.join(', ')}` : ''),
        ),
      (error: unknown) => log(`raw-report retention failed: ${(error as Error).message}`),
    );
  run();
  const timer = setInterval(run, 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
