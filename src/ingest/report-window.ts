import { DAY_MS } from '../time/instant.js';

/** How far ahead of the service's clock a report's instant may be (a node's clock drift). */
export const MAX_AHEAD_MS = 300_000;

export interface ReportWindow {
  /** Oldest instant a node may still send (LATE_REPORT_DAYS); null: no limit. */
  lateReportDays: number | null;
  /** RAW_RETENTION_DAYS: reports older than that are refused everywhere; 0: no limit. */
  rawRetentionDays: number;
}

/**
 * Why a report at `at` cannot be stored at `now`, or undefined when it can.
 * A report older than the raw-report window could no longer be checked
 * against its neighbours, so it is refused rather than half-applied.
 *
 * @example
 * reportTimeProblem(at, Date.now(), { lateReportDays: 7, rawRetentionDays: 0 })
 */
export function reportTimeProblem(at: number, now: number, window: ReportWindow): string | undefined {
  if (at > now + MAX_AHEAD_MS) return `is more than ${MAX_AHEAD_MS / 1000} s ahead of the service's clock`;
  if (window.rawRetentionDays > 0 && at < now - window.rawRetentionDays * DAY_MS) {
    return `is older than the raw-report window (RAW_RETENTION_DAYS=${window.rawRetentionDays})`;
  }
  if (window.lateReportDays !== null && at < now - window.lateReportDays * DAY_MS) {
    return `is older than LATE_REPORT_DAYS=${window.lateReportDays}`;
  }
  return undefined;
}
