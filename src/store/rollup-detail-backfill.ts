import { sql, type Kysely } from 'kysely';
import { summarizeDays } from '../stats/day-summary.js';
import type { Database } from './database-schema.js';
import { isPostgres } from './dialect.js';
import { reportFromRow, rowFromSummary } from './rollup-rows.js';

/** Set to `pending` by migration 007; gone once every rollup made before it got its detail, or is known to have none. */
export const ROLLUP_DETAIL_KEY = 'rollup_detail_backfill';

/**
 * Gives the rollups made before migration 007 their detail (down spans and
 * latency sketch), computed from the raw reports of their day, one series
 * per transaction, so that no transaction holds more than one series' rows
 * and a process stopped half way resumes at the next start (the setting
 * stays `pending` until the end). A day whose raw reports are not all there
 * (fewer than the rollup counted: retention dropped them) keeps null detail:
 * the SLA report says so rather than guess. Answers how many rollups got
 * their detail.
 *
 * On PostgreSQL the series' rollup rows are locked first, so that an
 * instance ingesting meanwhile waits rather than being overwritten.
 *
 * @example
 * await backfillRollupDetail(db, 180_000); // 0 when nothing was pending
 */
export async function backfillRollupDetail(db: Kysely<Database>, staleAfterMs: number): Promise<number> {
  const pending = await db.selectFrom('settings').select('value').where('key', '=', ROLLUP_DETAIL_KEY).executeTakeFirst();
  if (!pending) return 0;
  const series = await db
    .selectFrom('daily_rollups')
    .select('series_id')
    .distinct()
    .where('down_spans', 'is', null)
    .orderBy('series_id')
    .execute();
  let filled = 0;
  for (const { series_id: seriesId } of series) {
    filled += await db.transaction().execute(async (trx) => {
      const lock = isPostgres(db) ? sql` for update` : sql``;
      const { rows: legacy } = await sql<{ day: number; report_count: number }>`
        select day, report_count from daily_rollups where series_id = ${seriesId} and down_spans is null${lock}`.execute(trx);
      if (legacy.length === 0) return 0;
      const reports = await trx
        .selectFrom('all_reports')
        .select(['at', 'status', 'latency_ms'])
        .where('series_id', '=', seriesId)
        .orderBy('at')
        .execute();
      const byDay = summarizeDays(reports.map(reportFromRow), staleAfterMs);
      let done = 0;
      for (const { day, report_count: counted } of legacy) {
        const summary = byDay.get(day);
        if (!summary || summary.reportCount !== counted) continue;
        const { down_spans, latencies } = rowFromSummary(seriesId, day, summary);
        await trx
          .updateTable('daily_rollups')
          .set({ down_spans, latencies })
          .where('series_id', '=', seriesId)
          .where('day', '=', day)
          .execute();
        done++;
      }
      return done;
    });
  }
  await db.deleteFrom('settings').where('key', '=', ROLLUP_DETAIL_KEY).execute();
  return filled;
}
