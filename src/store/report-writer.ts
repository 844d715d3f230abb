import type { Transaction } from 'kysely';
import { appendReport, summarizeDay, type DaySummary } from '../stats/day-summary.js';
import type { NodeStatus, Report } from '../stats/node-status.js';
import { DAY_MS, dayOf } from '../time/instant.js';
import type { Database } from './database-schema.js';
import { isPostgres } from './dialect.js';
import { reportFromRow, rowFromSummary, summaryFromRow } from './rollup-rows.js';
import { statusCode } from './status-codes.js';

/** A report as it enters the store. */
export interface NewReport {
  nodeId: string;
  bucketId: string;
  at: number;
  status: NodeStatus;
  latencyMs: number | null;
}

// Keeps every statement under SQLite's and PostgreSQL's bound-parameter limits.
const ROWS_PER_STATEMENT = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const pairKey = (bucketId: string, nodeId: string): string => `${bucketId}/${nodeId}`;

/**
 * The work of one ingest transaction: raw reports inserted, their series
 * found or created, and the touched daily rollups brought up to date.
 *
 * @example
 * const stored = await new ReportWriter(trx, 180_000).write(sortedUniqueReports);
 */
export class ReportWriter {
  /** Buckets where a report became the earliest of its series (the timeline starts earlier). */
  readonly timelineMovedBuckets = new Set<string>();

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly staleAfterMs: number,
  ) {}

  /** Stores reports sorted by (bucket, node, at) without repeats; returns those that were new. */
  async write(reports: NewReport[]): Promise<NewReport[]> {
    const trx = this.trx;
    const seriesIds = await this.lockSeries(reports);
    const bySeriesAt = new Map<string, NewReport>();
    const inserted: Array<{ seriesId: number; report: Report }> = [];
    for (const chunk of chunks(reports, ROWS_PER_STATEMENT)) {
      const rows = chunk.map((r) => {
        const seriesId = seriesIds.get(pairKey(r.bucketId, r.nodeId)) as number;
        bySeriesAt.set(`${seriesId}/${r.at}`, r);
        return { series_id: seriesId, at: r.at, status: statusCode(r.status), latency_ms: r.latencyMs };
      });
      const stored = await trx
        .insertInto('reports')
        .values(rows)
        .onConflict((oc) => oc.columns(['series_id', 'at']).doNothing())
        .returning(['series_id', 'at', 'status', 'latency_ms'])
        .execute();
      for (const row of stored) inserted.push({ seriesId: row.series_id, report: reportFromRow(row) });
    }
    await this.updateRollups(inserted);
    return inserted.map(({ seriesId, report }) => bySeriesAt.get(`${seriesId}/${report.at}`) as NewReport);
  }

  /**
   * Finds or creates the series of every (node, bucket) in the batch, moves
   * their `first_at` back when the batch holds an earlier report, and on
   * PostgreSQL locks them, which serializes rollup updates per series.
   */
  private async lockSeries(reports: NewReport[]): Promise<Map<string, number>> {
    const trx = this.trx;
    const earliest = new Map<string, NewReport>();
    for (const r of reports) {
      const key = pairKey(r.bucketId, r.nodeId);
      const seen = earliest.get(key);
      if (!seen || r.at < seen.at) earliest.set(key, r);
    }
    const wanted = [...earliest.values()];
    await trx
      .insertInto('series')
      .values(wanted.map((r) => ({ node_id: r.nodeId, bucket_id: r.bucketId, first_at: r.at })))
      .onConflict((oc) => oc.columns(['bucket_id', 'node_id']).doNothing())
      .execute();
    let query = trx
      .selectFrom('series')
      .select(['id', 'node_id', 'bucket_id', 'first_at'])
      .where('bucket_id', 'in', [...new Set(wanted.map((r) => r.bucketId))])
      .where('node_id', 'in', [...new Set(wanted.map((r) => r.nodeId))])
      .orderBy('id');
    if (isPostgres(trx)) query = query.forUpdate();
    const ids = new Map<string, number>();
    for (const row of await query.execute()) {
      const first = earliest.get(pairKey(row.bucket_id, row.node_id));
      if (!first) continue;
      ids.set(pairKey(row.bucket_id, row.node_id), row.id);
      if (first.at < row.first_at) {
        await trx.updateTable('series').set({ first_at: first.at }).where('id', '=', row.id).execute();
        this.timelineMovedBuckets.add(row.bucket_id);
      }
    }
    return ids;
  }

  private async updateRollups(inserted: Array<{ seriesId: number; report: Report }>): Promise<void> {
    const trx = this.trx;
    const groups = new Map<string, { seriesId: number; day: number; reports: Report[] }>();
    for (const { seriesId, report } of inserted) {
      const day = dayOf(report.at);
      const key = `${seriesId}/${day}`;
      const group = groups.get(key) ?? { seriesId, day, reports: [] };
      group.reports.push(report);
      groups.set(key, group);
    }
    if (groups.size === 0) return;
    const existing = new Map<string, DaySummary>();
    for (const chunk of chunks([...groups.values()], ROWS_PER_STATEMENT)) {
      const rows = await trx
        .selectFrom('daily_rollups')
        .selectAll()
        .where('series_id', 'in', [...new Set(chunk.map((g) => g.seriesId))])
        .where('day', 'in', [...new Set(chunk.map((g) => g.day))])
        .execute();
      for (const row of rows) existing.set(`${row.series_id}/${row.day}`, summaryFromRow(row));
    }
    const updated = [];
    for (const [key, group] of groups) {
      const summary = await this.nextSummary(group, existing.get(key));
      updated.push(rowFromSummary(group.seriesId, group.day, summary));
    }
    for (const chunk of chunks(updated, ROWS_PER_STATEMENT / 2)) {
      await trx
        .insertInto('daily_rollups')
        .values(chunk)
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

  /** Appends in-order reports; a report older than the day's last one makes the day be recomputed. */
  private async nextSummary(
    group: { seriesId: number; day: number; reports: Report[] },
    current: DaySummary | undefined,
  ): Promise<DaySummary> {
    const trx = this.trx;
    const fresh = group.reports; // sorted by `at`, as the whole batch is
    if (!current) return summarizeDay(fresh, this.staleAfterMs) as DaySummary;
    if ((fresh[0] as Report).at > current.lastAt) {
      return fresh.reduce((summary, r) => appendReport(summary, r, this.staleAfterMs), current);
    }
    const all = await trx
      .selectFrom('reports')
      .select(['at', 'status', 'latency_ms'])
      .where('series_id', '=', group.seriesId)
      .where('at', '>=', group.day * DAY_MS)
      .where('at', '<', (group.day + 1) * DAY_MS)
      .execute();
    return summarizeDay(all.map(reportFromRow), this.staleAfterMs) as DaySummary;
  }
}
