import type { Interval } from './intervals.js';
import type { Report } from './node-status.js';

/**
 * A stretch of one (node, bucket) timeline whose status is not ONLINE
 * (`stats-semantics.md`): a report said OFFLINE or DISCONNECTED, or the node
 * was silent longer than `STALE_AFTER_SECONDS`. Incidents (`sla.md`) are
 * maximal runs of touching down spans; the SLA figures subtract maintenance
 * from them.
 */
export interface DownSpan extends Interval {
  status: 'OFFLINE' | 'DISCONNECTED';
}

/**
 * What the SLA figures need of one listed day of one (node, bucket):
 * the day's counted interval (`[max(dayStart, firstReportEver), dayEnd or now)`)
 * and the down spans inside it, sorted and non-overlapping (touching spans
 * of different statuses stay apart). ONLINE time is the rest of `counted`.
 */
export interface NodeDayTimeline {
  counted: Interval;
  downSpans: DownSpan[];
}

/**
 * Appends a span that starts at or after the end of `spans`' last one,
 * merging it into that one when they touch and share a status, so that a
 * list built piece by piece is the same as one built at once.
 */
export function appendDownSpan(spans: DownSpan[], span: DownSpan): void {
  if (span.to <= span.from) return;
  const last = spans[spans.length - 1];
  if (last && last.to === span.from && last.status === span.status) last.to = span.to;
  else spans.push({ from: span.from, to: span.to, status: span.status });
}

const EVERYWHERE: Interval = { from: -Infinity, to: Infinity };

/**
 * Appends the down spans that report `from` makes until `nextAt` (the next
 * report's instant, or where the timeline is cut), clipped to `[from.at,
 * until)`: its own status while it holds, for at most `staleAfterMs`, then
 * DISCONNECTED (`stats-semantics.md`).
 *
 * @example
 * const spans: DownSpan[] = [];
 * appendDownSpansOf(spans, { at: 0, status: 'OFFLINE', latencyMs: null }, 300_000, 180_000)
 * // spans: [{ from: 0, to: 180_000, status: 'OFFLINE' }, { from: 180_000, to: 300_000, status: 'DISCONNECTED' }]
 */
export function appendDownSpansOf(
  spans: DownSpan[],
  from: Report,
  nextAt: number,
  staleAfterMs: number,
  clip: Interval = EVERYWHERE,
): void {
  const staleAt = Math.min(from.at + staleAfterMs, nextAt);
  const clipped = (span: DownSpan): DownSpan => ({
    from: Math.max(span.from, clip.from),
    to: Math.min(span.to, clip.to),
    status: span.status,
  });
  if (from.status !== 'ONLINE') appendDownSpan(spans, clipped({ from: from.at, to: staleAt, status: from.status }));
  appendDownSpan(spans, clipped({ from: staleAt, to: nextAt, status: 'DISCONNECTED' }));
}
