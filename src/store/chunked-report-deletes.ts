import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';

/**
 * Reports deleted by one statement: each is a transaction of its own, a few
 * milliseconds long, between which the writer commits the waiting reports
 * (on SQLite the writer thread runs them one after the other; on
 * PostgreSQL each holds its rows that long).
 */
export const REPORTS_PER_DELETE = 5_000;

export interface ChunkedDeleteOptions {
  /** Only the reports dated before this instant (retention); all of them when left out. */
  before?: number;
  /** Asked between chunks: true stops the deletion there (the store is closing). */
  stopped?: () => boolean;
}

/**
 * Deletes the stored reports of one series from the `reports` table,
 * oldest first, at most `REPORTS_PER_DELETE` per statement and transaction,
 * each statement bounded by instants (the primary key's order), so that on
 * PostgreSQL it touches only the day partitions it deletes from. After each
 * chunk it rests as long as the chunk took: a long deletion takes at most
 * half of the writer's time, and of a core, from the requests. Answers how
 * many reports it deleted.
 *
 * @example
 * const deleted = await deleteSeriesReports(store.db, seriesId, { before: firstKeptDay * DAY_MS });
 */
export async function deleteSeriesReports(
  db: Kysely<Database>,
  seriesId: number,
  options: ChunkedDeleteOptions = {},
): Promise<number> {
  const { before, stopped = () => false } = options;
  let deleted = 0;
  let after: number | undefined;
  for (;;) {
    const started = performance.now();
    let bound = db.selectFrom('reports').select('at').where('series_id', '=', seriesId);
    if (after !== undefined) bound = bound.where('at', '>', after);
    if (before !== undefined) bound = bound.where('at', '<', before);
    const last = await bound
      .orderBy('at')
      .limit(1)
      .offset(REPORTS_PER_DELETE - 1)
      .executeTakeFirst();
    let chunk = db.deleteFrom('reports').where('series_id', '=', seriesId);
    if (after !== undefined) chunk = chunk.where('at', '>', after);
    // The chunk's last report, or (fewer left than a chunk) every one left.
    if (last) chunk = chunk.where('at', '<=', last.at);
    else if (before !== undefined) chunk = chunk.where('at', '<', before);
    deleted += Number((await chunk.executeTakeFirst()).numDeletedRows);
    if (!last || stopped()) return deleted;
    await sleep(performance.now() - started);
    after = last.at;
  }
}
