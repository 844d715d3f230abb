import type { Kysely } from 'kysely';
import { summarizeDays } from '../stats/day-summary.js';
import type { Database } from './database-schema.js';
import { RAW_DROPPED_KEY } from './raw-retention.js';
import { detailRowFromSummary, reportFromRow, rowFromSummary } from './rollup-rows.js';

const STALE_KEY = 'stale_after_ms';

/**
 * Rollups hold ONLINE time cut at the stale limit, so they are only valid
 * for the `STALE_AFTER_SECONDS` they were computed with. At start, a store
 * built with another value is rebuilt from its raw reports, or refused when
 * some of those were already dropped by retention.
 */
export async function ensureRollupsMatch(db: Kysely<Database>, staleAfterMs: number, log: (msg: string) => void): Promise<void> {
  const settings = new Map((await db.selectFrom('settings').selectAll().execute()).map((s) => [s.key, s.value] as const));
  const stored = settings.get(STALE_KEY);
  if (stored === String(staleAfterMs)) return;
  if (stored !== undefined) {
    if (settings.get(RAW_DROPPED_KEY) === 'true') {
      throw new Error(
        `STALE_AFTER_SECONDS changed from ${Number(stored) / 1000} to ${staleAfterMs / 1000}, but raw reports ` +
          'older than RAW_RETENTION_DAYS are gone, so the daily rollups cannot be rebuilt: start with the old value',
      );
    }
    log(`STALE_AFTER_SECONDS changed from ${Number(stored) / 1000} to ${staleAfterMs / 1000}: rebuilding daily rollups`);
    await rebuildRollups(db, staleAfterMs);
  }
  await db
    .insertInto('settings')
    .values({ key: STALE_KEY, value: String(staleAfterMs) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(staleAfterMs) }))
    .execute();
}

// Rollup rows per insert: under PostgreSQL's bound-parameter limit, and few statements for a long series.
const ROWS_PER_INSERT = 500;

/** Rebuilds each series' rollups from its raw reports, read in order and summarized in one pass. */
async function rebuildRollups(db: Kysely<Database>, staleAfterMs: number): Promise<void> {
  const series = await db.selectFrom('series').select('id').orderBy('id').execute();
  for (const { id } of series) {
    await db.transaction().execute(async (trx) => {
      const reports = await trx
        .selectFrom('all_reports')
        .select(['at', 'status', 'latency_ms'])
        .where('series_id', '=', id)
        .orderBy('at')
        .execute();
      const days = [...summarizeDays(reports.map(reportFromRow), staleAfterMs)];
      const rows = days.map(([day, summary]) => rowFromSummary(id, day, summary));
      const details = days.flatMap(([day, summary]) => detailRowFromSummary(id, day, summary) ?? []);
      await trx.deleteFrom('daily_rollups').where('series_id', '=', id).execute();
      await trx.deleteFrom('rollup_details').where('series_id', '=', id).execute();
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        await trx
          .insertInto('daily_rollups')
          .values(rows.slice(i, i + ROWS_PER_INSERT))
          .execute();
      }
      for (let i = 0; i < details.length; i += ROWS_PER_INSERT) {
        await trx
          .insertInto('rollup_details')
          .values(details.slice(i, i + ROWS_PER_INSERT))
          .execute();
      }
    });
  }
}
