import { sql, type Transaction } from 'kysely';
import { summarizeReport, type DaySummary } from '../stats/day-summary.js';
import type { Report } from '../stats/node-status.js';
import { DAY_MS } from '../time/instant.js';
import type { Database } from './database-schema.js';
import { isPostgres } from './dialect.js';
import { advanceReplayGuard, type ReplayGuard } from './replay-guard.js';
import { reportFromRow, rowFromSummary, summaryFromRow } from './rollup-rows.js';
import { statusCode } from './status-codes.js';
import { seriesDayKey, type SeriesDayKey, type SeriesReport, type SeriesRow, type WriteOps } from './write-ops.js';

// Keeps every statement under SQLite's and PostgreSQL's bound-parameter limits.
const ROWS_PER_STATEMENT = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The ingest statements through Kysely, as multi-row statements: few round
 * trips, which is what counts on PostgreSQL. Series rows are locked
 * (`FOR UPDATE`) so that concurrent transactions update a rollup one after
 * the other.
 */
export class KyselyWriteOps implements WriteOps {
  constructor(private readonly trx: Transaction<Database>) {}

  advanceGuard(guard: ReplayGuard): Promise<boolean> {
    return advanceReplayGuard(this.trx, guard);
  }

  async series(wanted: ReadonlyArray<Omit<SeriesRow, 'id'>>): Promise<SeriesRow[]> {
    const rows: SeriesRow[] = [];
    for (const chunk of chunks(wanted, ROWS_PER_STATEMENT)) {
      await this.trx
        .insertInto('series')
        .values(chunk.map((w) => ({ node_id: w.nodeId, bucket_id: w.bucketId, first_at: w.firstAt })))
        .onConflict((oc) => oc.columns(['bucket_id', 'node_id']).doNothing())
        .execute();
      let query = this.trx
        .selectFrom('series')
        .select(['id', 'node_id', 'bucket_id', 'first_at'])
        .where('bucket_id', 'in', [...new Set(chunk.map((w) => w.bucketId))])
        .where('node_id', 'in', [...new Set(chunk.map((w) => w.nodeId))])
        .orderBy('id');
      if (isPostgres(this.trx)) query = query.forUpdate();
      for (const row of await query.execute()) {
        rows.push({ id: row.id, bucketId: row.bucket_id, nodeId: row.node_id, firstAt: row.first_at });
      }
    }
    const wantedKeys = new Set(wanted.map((w) => `${w.bucketId}/${w.nodeId}`));
    return rows.filter((row) => wantedKeys.has(`${row.bucketId}/${row.nodeId}`));
  }

  async moveFirstAt(seriesId: number, firstAt: number): Promise<void> {
    await this.trx.updateTable('series').set({ first_at: firstAt }).where('id', '=', seriesId).execute();
  }

  async insertReports(reports: readonly SeriesReport[]): Promise<SeriesReport[]> {
    const inserted: SeriesReport[] = [];
    for (const chunk of chunks(reports, ROWS_PER_STATEMENT)) {
      const stored = await this.trx
        .insertInto('reports')
        .values(
          chunk.map(({ seriesId, report }) => ({
            series_id: seriesId,
            at: report.at,
            status: statusCode(report.status),
            latency_ms: report.latencyMs,
          })),
        )
        .onConflict((oc) => oc.columns(['series_id', 'at']).doNothing())
        .returning(['series_id', 'at', 'status', 'latency_ms'])
        .execute();
      for (const row of stored) inserted.push({ seriesId: row.series_id, report: reportFromRow(row) });
    }
    return inserted;
  }

  async appendToRollups(rows: ReadonlyArray<SeriesDayKey & { report: Report }>, staleAfterMs: number): Promise<SeriesDayKey[]> {
    const appended = new Set<string>();
    for (const chunk of chunks(rows, ROWS_PER_STATEMENT / 2)) {
      const stored = await this.trx
        .insertInto('daily_rollups')
        .values(chunk.map(({ seriesId, day, report }) => rowFromSummary(seriesId, day, summarizeReport(report))))
        // `appendReport` in SQL; every right-hand side reads the row as it was.
        .onConflict((oc) =>
          oc
            .columns(['series_id', 'day'])
            .doUpdateSet({
              inner_online_ms: sql<number>`daily_rollups.inner_online_ms + case when daily_rollups.last_status = ${statusCode('ONLINE')}
                then least(excluded.last_at - daily_rollups.last_at, ${staleAfterMs}) else 0 end`,
              latency_sum: sql<number>`daily_rollups.latency_sum + excluded.latency_sum`,
              latency_count: sql<number>`daily_rollups.latency_count + excluded.latency_count`,
              report_count: sql<number>`daily_rollups.report_count + 1`,
              last_at: sql<number>`excluded.last_at`,
              last_status: sql<number>`excluded.last_status`,
              last_latency_ms: sql<number | null>`excluded.last_latency_ms`,
            })
            .where(sql<boolean>`excluded.last_at > daily_rollups.last_at`),
        )
        .returning(['series_id', 'day'])
        .execute();
      for (const row of stored) appended.add(seriesDayKey({ seriesId: row.series_id, day: row.day }));
    }
    return rows.filter((row) => !appended.has(seriesDayKey(row)));
  }

  async rollups(keys: readonly SeriesDayKey[]): Promise<Map<string, DaySummary>> {
    const found = new Map<string, DaySummary>();
    for (const chunk of chunks(keys, ROWS_PER_STATEMENT)) {
      const rows = await this.trx
        .selectFrom('daily_rollups')
        .selectAll()
        .where('series_id', 'in', [...new Set(chunk.map((k) => k.seriesId))])
        .where('day', 'in', [...new Set(chunk.map((k) => k.day))])
        .execute();
      for (const row of rows) found.set(seriesDayKey({ seriesId: row.series_id, day: row.day }), summaryFromRow(row));
    }
    return found;
  }

  async dayReports({ seriesId, day }: SeriesDayKey): Promise<Report[]> {
    const rows = await this.trx
      .selectFrom('reports')
      .select(['at', 'status', 'latency_ms'])
      .where('series_id', '=', seriesId)
      .where('at', '>=', day * DAY_MS)
      .where('at', '<', (day + 1) * DAY_MS)
      .execute();
    return rows.map(reportFromRow);
  }

  async saveRollups(rows: ReadonlyArray<SeriesDayKey & { summary: DaySummary }>): Promise<void> {
    for (const chunk of chunks(rows, ROWS_PER_STATEMENT / 2)) {
      await this.trx
        .insertInto('daily_rollups')
        .values(chunk.map((r) => rowFromSummary(r.seriesId, r.day, r.summary)))
        .onConflict((oc) =>
          oc.columns(['series_id', 'day']).doUpdateSet((eb) => ({
            first_at: eb.ref('excluded.first_at'),
            last_at: eb.ref('excluded.last_at'),
            last_status: eb.ref('excluded.last_status'),
            last_latency_ms: eb.ref('excluded.last_latency_ms'),
            inner_online_ms: eb.ref('excluded.inner_online_ms'),
            latency_sum: eb.ref('excluded.latency_sum'),
            latency_count: eb.ref('excluded.latency_count'),
            report_count: eb.ref('excluded.report_count'),
          })),
        )
        .execute();
    }
  }
}
