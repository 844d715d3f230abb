import { sql, type Kysely } from 'kysely';
import { summarizeDays } from '../stats/day-summary.js';
import type { Database } from './database-schema.js';
import { isPostgres } from './dialect.js';
import { detailRowFromSummary, reportFromRow } from './rollup-rows.js';

/** Set to `pending` by migration 007; gone once every rollup made before it got its detail, or is known to have none. */
export const ROLLUP_DETAIL_KEY = 'rollup_detail_backfill';

/**
 * Gives the rollups made before migration 007 their detail (down spans and
 * latency sketch, a `rollup_details` row), computed from the raw reports of their day, one series
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
    .selectFrom('daily_rollups as r')
    .leftJoin('rollup_details as d', (join) => join.onRef('d.series_id', '=', 'r.series_id').onRef('d.day', '=', 'r.day'))
    .select('r.series_id')
    .distinct()
    .where('d.series_id', 'is', null)
    .orderBy('r.series_id')
    .execute();
  let filled = 0;
  for (const { series_id: seriesId } of series) {
    filled += await db.transaction().execute(async (trx) => {
      const lock = isPostgres(db) ? sql` for update of r` : sql``;
      const { rows: legacy } = await sql<{ day: number; report_count: number }>`
        select r.day, r.report_count from daily_rollups r
        left join rollup_details d on d.series_id = r.series_id and d.day = r.day
        where r.series_id = ${seriesId} and d.series_id is null${lock}`.execute(trx);
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
        const detail = summary && summary.reportCount === counted && detailRowFromSummary(seriesId, day, summary);
        if (!detail) continue;
        await trx
          .insertInto('rollup_details')
          .values(detail)
          .onConflict((oc) => oc.columns(['series_id', 'day']).doNothing())
          .execute();
        done++;
      }
      return done;
    });
  }
  await db.deleteFrom('settings').where('key', '=', ROLLUP_DETAIL_KEY).execute();
  return filled;
}
