import { LRUCache } from 'lru-cache';
import type { BucketPeriodReport } from '../stats/bucket-period-report.js';
import type { DaySpan } from '../stats/incidents.js';
import type { MaintenanceVersion } from '../stats/maintenance.js';
import { DAY_MS } from '../time/instant.js';

interface KeptReport {
  report: BucketPeriodReport;
  /** The maintenance window versions it was made with. */
  windows: string;
  /** `rollupFingerprint` of the days it was made from, read before they were. */
  fingerprint: string;
}

/** What the cache asks of the store. */
export interface ReportFingerprints {
  rollupFingerprint(bucketId: string, fromDay: number, toDay: number): Promise<string>;
}

// A year of 50 nodes is a few hundred entries and incidents.
const MAX_KEPT_SIZE = 200_000;
// A kept report is checked on every use; the age bound only frees the memory of unused ones.
const KEPT_FOR_MS = 15 * 60_000;

/**
 * Period reports of closed periods, so that the same report asked again
 * (the JSON, then its CSV and PDF, then the incidents; a dashboard
 * switching periods) costs one small aggregate read instead of a year of
 * rollups. A report depends on the rollups of its days and of the lookback
 * days before them, the nodes' registrations and the maintenance windows;
 * each use reads the first two as a fingerprint (`rollupFingerprint`) and
 * the windows as they are, and serves the kept report only if all three
 * are what it was made from: a late report, a registration or an
 * operator's import, here or on another instance, shows at once. A period
 * that reaches the current day, or whose incidents run past its edges
 * (their true start and end lie in days outside the fingerprint), is not
 * kept.
 */
export class ReportCache {
  private readonly kept = new LRUCache<string, KeptReport>({
    maxSize: MAX_KEPT_SIZE,
    sizeCalculation: ({ report }) => Math.max(1, report.nodes.length + report.incidents.length),
    ttl: KEPT_FOR_MS,
  });

  constructor(
    private readonly store: ReportFingerprints,
    private readonly lookbackDays: number,
  ) {}

  /**
   * The report of `period` at `now`: a kept one, or one from `compute`,
   * kept when the period is closed and lies within itself.
   */
  async report(
    bucketId: string,
    period: DaySpan,
    today: number,
    maintenance: readonly MaintenanceVersion[],
    compute: () => Promise<BucketPeriodReport>,
  ): Promise<BucketPeriodReport> {
    if (period.toDay >= today) return compute();
    const key = `${bucketId}/${period.fromDay}/${period.toDay}`;
    const windows = JSON.stringify(maintenance);
    const fingerprint = await this.store.rollupFingerprint(bucketId, period.fromDay - this.lookbackDays, period.toDay);
    const kept = this.kept.get(key);
    if (kept && kept.windows === windows && kept.fingerprint === fingerprint) return kept.report;
    const report = await compute();
    const from = period.fromDay * DAY_MS;
    const to = (period.toDay + 1) * DAY_MS;
    const within = report.incidents.every((i) => i.start > from && i.end !== null && i.end < to);
    if (within) this.kept.set(key, { report, windows, fingerprint });
    else this.kept.delete(key);
    return report;
  }
}
