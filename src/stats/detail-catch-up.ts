import { appendReportsInPlace, summarizeDay, type DaySummary } from './day-summary.js';
import type { DownSpan } from './down-spans.js';
import type { LatencySketch } from './latency-sketch.js';
import type { Report } from './node-status.js';

/** The detail of a day: its inner down spans and latency sketch. */
export interface DayDetail {
  downSpans: DownSpan[];
  latencies: LatencySketch;
}

/**
 * The detail of a day whose rollup counts `reportCount` reports, from the
 * detail kept so far (`kept`: a summary of the day's first reports, of
 * which only the last report, the count and the detail are used; none:
 * nothing kept) and the day's reports after those, sorted by `at`.
 * `null` when the two do not add up to the rollup's count: some raw
 * reports are gone (retention), so the detail cannot be known.
 *
 * @example
 * catchUpDetail(kept, reportsAfterKept, rollup.reportCount, 180_000) // { downSpans, latencies } or null
 */
export function catchUpDetail(
  kept: DaySummary | undefined,
  after: readonly Report[],
  reportCount: number,
  staleAfterMs: number,
): DayDetail | null {
  const caughtUp = kept ? appendReportsInPlace(kept, after, staleAfterMs) : summarizeDay(after, staleAfterMs);
  if (!caughtUp || caughtUp.reportCount !== reportCount || !caughtUp.downSpans || !caughtUp.latencies) return null;
  return { downSpans: caughtUp.downSpans, latencies: caughtUp.latencies };
}
