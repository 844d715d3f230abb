import type { Kysely } from 'kysely';
import { deleteSeriesReports } from './chunked-report-deletes.js';
import type { Database } from './database-schema.js';

/**
 * Deletes the reports and rollups of deleted buckets' series (listed in
 * `deleted_series`, migration 005) in short transactions, so that ingest
 * and every other write go on meanwhile: reports in chunks
 * (`deleteSeriesReports`), then the series' rollups, then its entry.
 * Nothing reads them any more (every read starts from `series`), so how
 * long it takes changes no answer.
 *
 * @example
 * const purge = new DeletedSeriesPurge(store.db, log);
 * purge.resume(); // what a stopped process left
 * await purge.purge([41, 42]);
 */
export class DeletedSeriesPurge {
  private stopping = false;
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: (message: string) => void,
  ) {}

  /** Deletes the data of `seriesIds`, one series after the other; resolves once all of it is gone (or the store closes). */
  purge(seriesIds: readonly number[]): Promise<void> {
    const work = this.purgeAll(seriesIds);
    this.running.add(work);
    return work.finally(() => this.running.delete(work));
  }

  /** Finishes, in the background, the deletions a previous process left. */
  resume(): void {
    const work = this.db
      .selectFrom('deleted_series')
      .select('series_id')
      .orderBy('series_id')
      .execute()
      .then((rows) => this.purge(rows.map((r) => r.series_id)));
    this.running.add(work);
    void work.then(
      () => this.running.delete(work),
      (error: unknown) => {
        this.running.delete(work);
        if (!this.stopping)
          this.log(`deleting the data of deleted buckets failed (the next start resumes): ${(error as Error).message}`);
      },
    );
  }

  /** Stops after the chunk running, and waits for it: what is left stays listed for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  private async purgeAll(seriesIds: readonly number[]): Promise<void> {
    const stopped = (): boolean => this.stopping;
    for (const seriesId of seriesIds) {
      await deleteSeriesReports(this.db, seriesId, { stopped });
      if (stopped()) return;
      await this.db.deleteFrom('daily_rollups').where('series_id', '=', seriesId).execute();
      await this.db.deleteFrom('rollup_details').where('series_id', '=', seriesId).execute();
      await this.db.deleteFrom('deleted_series').where('series_id', '=', seriesId).execute();
    }
  }
}
