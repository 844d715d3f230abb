import { dayOf } from '../time/instant.js';
import { appendDownSpansOf, type DownSpan } from './down-spans.js';
import { LatencySketch } from './latency-sketch.js';
import type { NodeStatus, Report } from './node-status.js';

/**
 * Everything the daily numbers need from one (node, bucket, UTC day), in a
 * form that grows report by report, so that it can be stored as one rollup
 * row and kept up to date as reports arrive.
 *
 * `innerOnlineMs` counts only the ONLINE time between consecutive reports of
 * the day, and `downSpans` the rest of that stretch; the time after the
 * day's last report (which may spill into the next day) and the time carried
 * in from the previous day depend on the window asked, so the stats are
 * completed at query time (`nodeDayTimeline`).
 *
 * The detail (`downSpans`, `latencies`) is `null` in a rollup made before it
 * was kept whose raw reports were dropped since: it cannot be known, and
 * stays unknown when such a day gets more reports.
 */
export interface DaySummary {
  firstAt: number;
  lastAt: number;
  lastStatus: NodeStatus;
  lastLatencyMs: number | null;
  innerOnlineMs: number;
  latencySum: number;
  latencyCount: number;
  reportCount: number;
  /** The non-ONLINE stretches in `[firstAt, lastAt)`, sorted; touching ones of one status merged. */
  downSpans: DownSpan[] | null;
  /** The latencies counted in `latencySum` / `latencyCount`. */
  latencies: LatencySketch | null;
}

/** ONLINE time that report `from` contributes until the next report at `nextAt`. */
export function onlineUntil(from: Report, nextAt: number, staleAfterMs: number): number {
  return from.status === 'ONLINE' ? Math.min(nextAt - from.at, staleAfterMs) : 0;
}

function countsForLatency(report: Report): report is Report & { latencyMs: number } {
  return report.status === 'ONLINE' && report.latencyMs !== null;
}

/** The summary's newest report. */
export function lastReportOf(summary: DaySummary): Report {
  return { at: summary.lastAt, status: summary.lastStatus, latencyMs: summary.lastLatencyMs };
}

/** A summary of a single report. */
export function summarizeReport(report: Report): DaySummary {
  const latency = countsForLatency(report);
  const latencies = new LatencySketch();
  if (latency) latencies.add(report.latencyMs);
  return {
    firstAt: report.at,
    lastAt: report.at,
    lastStatus: report.status,
    lastLatencyMs: report.latencyMs,
    innerOnlineMs: 0,
    latencySum: latency ? report.latencyMs : 0,
    latencyCount: latency ? 1 : 0,
    reportCount: 1,
    downSpans: [],
    latencies,
  };
}

/** A copy that `appendInPlace` may change without touching `summary`. */
function copyOf(summary: DaySummary): DaySummary {
  return {
    ...summary,
    downSpans: summary.downSpans && summary.downSpans.map((span) => ({ ...span })),
    latencies: summary.latencies && summary.latencies.clone(),
  };
}

/** `appendReport` on a summary this module owns (fresh or copied), without copying it per report. */
function appendInPlace(summary: DaySummary, report: Report, staleAfterMs: number): DaySummary {
  if (report.at <= summary.lastAt) throw new RangeError('appendReport needs a newer report');
  const previous = lastReportOf(summary);
  const latency = countsForLatency(report);
  summary.innerOnlineMs += onlineUntil(previous, report.at, staleAfterMs);
  if (summary.downSpans) appendDownSpansOf(summary.downSpans, previous, report.at, staleAfterMs);
  if (latency) {
    summary.latencySum += report.latencyMs;
    summary.latencyCount++;
    summary.latencies?.add(report.latencyMs);
  }
  summary.lastAt = report.at;
  summary.lastStatus = report.status;
  summary.lastLatencyMs = report.latencyMs;
  summary.reportCount++;
  return summary;
}

/**
 * Adds a report that is newer than every report already summarized.
 * Out-of-order reports cannot be appended: recompute with `summarizeDay`.
 *
 * @example
 * appendReport(summary, { at: summary.lastAt + 60_000, status: 'ONLINE', latencyMs: 42 }, 180_000)
 */
export function appendReport(summary: DaySummary, report: Report, staleAfterMs: number): DaySummary {
  return appendInPlace(copyOf(summary), report, staleAfterMs);
}

/**
 * Adds reports sorted by `at`, each newer than every report already
 * summarized; copies the summary once, not once per report.
 *
 * @example
 * appendReports(summary, newerReportsOldestFirst, 180_000)
 */
export function appendReports(summary: DaySummary, reports: readonly Report[], staleAfterMs: number): DaySummary {
  return appendReportsInPlace(copyOf(summary), reports, staleAfterMs);
}

/**
 * `appendReports` that changes `summary` itself instead of a copy: for a
 * caller that owns it (the ingest writer, which decoded it from its row for
 * this one append), saving the copy of its sketch on every group commit.
 *
 * @example
 * const next = appendReportsInPlace(summaryFromRow(row), newerReportsOldestFirst, 180_000);
 */
export function appendReportsInPlace(summary: DaySummary, reports: readonly Report[], staleAfterMs: number): DaySummary {
  return reports.reduce((s, r) => appendInPlace(s, r, staleAfterMs), summary);
}

/**
 * Summarizes the reports of one (node, bucket, day), in any order and
 * without repeated instants. Returns `undefined` for no reports.
 */
export function summarizeDay(reports: readonly Report[], staleAfterMs: number): DaySummary | undefined {
  const sorted = [...reports].sort((a, b) => a.at - b.at);
  const [first, ...rest] = sorted;
  if (!first) return undefined;
  return rest.reduce((summary, report) => appendInPlace(summary, report, staleAfterMs), summarizeReport(first));
}

/**
 * Summarizes a series' reports, sorted by `at` without repeated instants,
 * day by day (UTC day numbers), in one pass: each report is appended to its
 * day's summary as it comes, so that a day of many reports costs no more
 * than their number.
 *
 * @example
 * summarizeDays(reportsOldestFirst, 180_000) // Map { 19737 => { firstAt, lastAt, ... }, 19738 => ... }
 */
export function summarizeDays(sorted: Iterable<Report>, staleAfterMs: number): Map<number, DaySummary> {
  const byDay = new Map<number, DaySummary>();
  for (const report of sorted) {
    const day = dayOf(report.at);
    const summary = byDay.get(day);
    byDay.set(day, summary ? appendInPlace(summary, report, staleAfterMs) : summarizeReport(report));
  }
  return byDay;
}

/**
 * The summary of a day's reports before some instant, from the summary of
 * all of them: `lastKept` is the newest report before that instant
 * (undefined: the day has none), `dropped` the reports from it on, oldest
 * first. The current day uses it when a node's clock runs ahead of the
 * service's, so that it reads a few reports instead of the whole day.
 *
 * @example
 * withoutNewest(summary, { at: t1, status: 'ONLINE', latencyMs: 3 }, [{ at: t2, status: 'OFFLINE', latencyMs: null }], 180_000)
 */
export function withoutNewest(
  summary: DaySummary,
  lastKept: Report | undefined,
  dropped: readonly Report[],
  staleAfterMs: number,
): DaySummary | undefined {
  if (!lastKept) return undefined;
  const kept = copyOf(summary);
  let previous = lastKept;
  for (const report of dropped) {
    kept.innerOnlineMs -= onlineUntil(previous, report.at, staleAfterMs);
    if (countsForLatency(report)) {
      kept.latencySum -= report.latencyMs;
      kept.latencyCount--;
      kept.latencies?.remove(report.latencyMs);
    }
    previous = report;
  }
  if (kept.latencyCount === 0) kept.latencySum = 0;
  // The spans after the kept report came from the dropped ones; one that runs through it is cut there.
  kept.downSpans = kept.downSpans && kept.downSpans.filter((span) => span.from < lastKept.at);
  const lastSpan = kept.downSpans?.[kept.downSpans.length - 1];
  if (lastSpan) lastSpan.to = Math.min(lastSpan.to, lastKept.at);
  kept.lastAt = lastKept.at;
  kept.lastStatus = lastKept.status;
  kept.lastLatencyMs = lastKept.latencyMs;
  kept.reportCount -= dropped.length;
  return kept;
}
