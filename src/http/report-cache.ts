import type { BucketPeriodReport } from '../stats/bucket-period-report.js';
import type { MaintenanceVersion } from '../stats/maintenance.js';
import type { DaySpan } from '../stats/incidents.js';
import { BucketSpanCache } from '../store/bucket-span-cache.js';
import { LAYERED_TTL_MS } from '../store/recent-cache.js';
import type { StoreEvents } from '../store/store-events.js';

interface KeptReport {
  report: BucketPeriodReport;
  /** The maintenance window versions it was made with. */
  windows: string;
}

/**
 * Period reports of closed periods (`to` before the current day), so that
 * the same report asked again (the JSON, then its CSV and PDF, then the
 * incidents; a dashboard switching periods) costs a lookup instead of a
 * year of rollups. A report depends on the rollups of its days and of the
 * lookback days before them, on the nodes' registrations, and on the
 * maintenance windows. A change to the rollups or the registrations drops
 * it (`BucketSpanCache`); the bucket's window versions are read with every
 * request (one small read) and a kept report serves only the versions it
 * was made with, so that an operator's import of past windows, here or on
 * another instance, shows at once. Like every derived answer, it is kept
 * for half the staleness api.md allows another instance's change
 * (`LAYERED_TTL_MS`). A period that reaches the current day changes with
 * every millisecond and is not kept.
 */
export class ReportCache {
  private readonly reports: BucketSpanCache<KeptReport>;

  constructor(
    events: StoreEvents,
    private readonly lookbackDays: number,
  ) {
    this.reports = new BucketSpanCache(events, {
      dropOnNodeChange: true,
      // About 2 000 reports of 50 nodes.
      maxSize: 100_000,
      sizeOf: ({ report }) => report.nodes.length + report.incidents.length,
      ttlMs: LAYERED_TTL_MS,
    });
  }

  /**
   * The report of `period` at `now`: a kept one, or one from `compute`,
   * kept when the period is closed and nothing changed while it was made.
   */
  async report(
    bucketId: string,
    period: DaySpan,
    today: number,
    maintenance: readonly MaintenanceVersion[],
    compute: () => Promise<BucketPeriodReport>,
  ): Promise<BucketPeriodReport> {
    const from = period.fromDay - this.lookbackDays;
    const windows = JSON.stringify(maintenance);
    const kept = this.reports.get(bucketId, from, period.toDay);
    if (kept && kept.windows === windows) return kept.report;
    const generation = this.reports.generation();
    const report = await compute();
    if (period.toDay < today) this.reports.set(bucketId, from, period.toDay, { report, windows }, generation);
    return report;
  }
}
