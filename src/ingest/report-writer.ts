import { appendReportsInPlace, summarizeDay, type DaySummary } from '../stats/day-summary.js';
import type { NodeStatus, Report } from '../stats/node-status.js';
import { groupBySeriesDay, type SeriesDayKey, type SeriesReport, type SeriesRow, type WriteOps } from '../store/write-ops.js';

/** A report as it enters the store. */
export interface NewReport {
  nodeId: string;
  bucketId: string;
  at: number;
  status: NodeStatus;
  latencyMs: number | null;
}

export const sameSeries = (a: NewReport, b: NewReport): boolean => a.bucketId === b.bucketId && a.nodeId === b.nodeId;

/**
 * The work of one ingest transaction: raw reports inserted, their series
 * found or created, and the touched daily rollups brought up to date.
 *
 * @example
 * const stored = await new ReportWriter(ops, 180_000).write(sortedUniqueReports);
 */
export class ReportWriter {
  /** Buckets where a report became the earliest of its series (the timeline starts earlier). */
  readonly timelineMovedBuckets = new Set<string>();

  constructor(
    private readonly ops: WriteOps,
    private readonly staleAfterMs: number,
  ) {}

  /** Stores reports sorted by (bucket, node, at) without repeats; returns those that were new. */
  async write(reports: NewReport[]): Promise<NewReport[]> {
    const seriesIds = await this.findSeries(reports);
    const rows: SeriesReport[] = [];
    let run = -1;
    reports.forEach((r, i) => {
      if (i === 0 || !sameSeries(r, reports[i - 1] as NewReport)) run++;
      rows.push({ seriesId: seriesIds[run] as number, report: { at: r.at, status: r.status, latencyMs: r.latencyMs } });
    });
    const inserted = await this.ops.insertReports(rows);
    await this.updateRollups(inserted);
    // `inserted` holds objects of `rows`, in their order: paired back with one walk.
    const stored: NewReport[] = [];
    let i = 0;
    for (const row of inserted) {
      while (rows[i] !== row) if (++i >= rows.length) throw new Error('insertReports answered a row it was not given');
      stored.push(reports[i] as NewReport);
    }
    return stored;
  }

  /**
   * The series id of each run of one (bucket, node) in the sorted batch, with `first_at` moved back where
   * the batch starts earlier. The first report of a run is its earliest.
   */
  private async findSeries(reports: NewReport[]): Promise<number[]> {
    const firsts = reports.filter((r, i) => i === 0 || !sameSeries(r, reports[i - 1] as NewReport));
    const rows = await this.ops.series(firsts.map((r) => ({ bucketId: r.bucketId, nodeId: r.nodeId, firstAt: r.at })));
    // One row per series wanted, in the order wanted (`WriteOps.series`): paired by place, not by a key.
    for (const [i, { at }] of firsts.entries()) {
      const row = rows[i] as SeriesRow;
      if (at < row.firstAt) {
        await this.ops.moveFirstAt(row.id, at);
        this.timelineMovedBuckets.add(row.bucketId);
      }
    }
    return rows.map((row) => row.id);
  }

  /**
   * Brings the touched (series, day) rollups up to date: read in one go,
   * appended to here (or recomputed from the day's reports when one is
   * older than the day's last), and written in one go. The SQL arithmetic
   * that once appended a live report without a read cannot update a
   * latency sketch or down spans; the read costs one statement per group
   * commit on PostgreSQL and a primary-key lookup per rollup on SQLite.
   */
  private async updateRollups(inserted: SeriesReport[]): Promise<void> {
    const groups = groupBySeriesDay(inserted);
    if (groups.size === 0) return;
    const existing = await this.ops.rollups([...groups.values()]);
    const updated = [];
    for (const [key, group] of groups) {
      updated.push({ seriesId: group.seriesId, day: group.day, summary: await this.nextSummary(group, existing.get(key)) });
    }
    await this.ops.saveRollups(updated);
  }

  /** Appends in-order reports; a report older than the day's last one makes the day be recomputed. */
  private async nextSummary(group: SeriesDayKey & { reports: Report[] }, current: DaySummary | undefined): Promise<DaySummary> {
    const fresh = group.reports; // sorted by `at`, as the whole batch is
    if (!current) return summarizeDay(fresh, this.staleAfterMs) as DaySummary;
    // `current` was decoded for this append alone (`WriteOps.rollups`): appended to as it is, not copied.
    if ((fresh[0] as Report).at > current.lastAt) return appendReportsInPlace(current, fresh, this.staleAfterMs);
    return summarizeDay(await this.ops.dayReports(group), this.staleAfterMs) as DaySummary;
  }
}
