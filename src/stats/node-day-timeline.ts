import { lastReportOf } from './day-summary.js';
import type { NodeDayInput } from './daily-node-stats.js';
import { appendDownSpan, appendDownSpansOf, type DownSpan, type NodeDayTimeline } from './down-spans.js';
import { LatencySketch } from './latency-sketch.js';

/**
 * The timeline of one listed day of a (node, bucket): the day's counted
 * interval, `[max(dayStart, first report ever), dayEnd or now)`, and every
 * down span inside it (`stats-semantics.md`, `sla.md`): the part carried in
 * from the report before the day (which may be days older: its status
 * holds until it goes stale, then DISCONNECTED), the day's inner spans kept
 * in its rollup, and the tail after the day's last report. Returns `null`
 * when the day's rollup has no detail (made before it was kept, its raw
 * reports dropped since).
 *
 * `input` is what `listedNodeDays` gives for the day; this reads no more.
 *
 * @example
 * nodeDayTimeline({ window: dayWindow(19737, now), staleAfterMs: 180_000, firstAt, inWindow, before })
 * // { counted: { from, to }, downSpans: [{ from, to, status: 'DISCONNECTED' }, ...] }
 */
export function nodeDayTimeline(input: NodeDayInput): NodeDayTimeline | null {
  const { window, staleAfterMs, inWindow, before } = input;
  if (inWindow && inWindow.downSpans === null) return null;
  const from = Math.min(Math.max(window.start, input.firstAt), window.end);
  const counted = { from, to: window.end };
  const downSpans: DownSpan[] = [];
  if (before) appendDownSpansOf(downSpans, before, inWindow?.firstAt ?? Infinity, staleAfterMs, counted);
  else if (inWindow) {
    // The series began before this day, but its last earlier report lies beyond the lookback,
    // so long before the day that its status went stale before midnight.
    appendDownSpan(downSpans, { from: counted.from, to: inWindow.firstAt, status: 'DISCONNECTED' });
  }
  if (inWindow) {
    for (const span of inWindow.downSpans ?? []) appendDownSpan(downSpans, span);
    appendDownSpansOf(downSpans, lastReportOf(inWindow), Infinity, staleAfterMs, counted);
  }
  return { counted, downSpans };
}

/** What the SLA figures take from one listed day of a (node, bucket). */
export interface NodeDayDetail {
  /** `null` when the day's rollup has no detail. */
  timeline: NodeDayTimeline | null;
  /** The day's ONLINE latencies; `null` when the rollup has no detail. */
  latencies: LatencySketch | null;
  latencySum: number;
  latencyCount: number;
}

/**
 * The timeline and the latencies of one listed day (see `nodeDayTimeline`);
 * a day without reports has an empty sketch. The sketch is the rollup's
 * own: merge it into another, never change it.
 *
 * @example
 * const { nodes } = await listedNodeDays(store.stats, series, day, now, settings);
 * const details = nodes.map(({ nodeId, input }) => ({ nodeId, ...nodeDayDetail(input) }));
 */
export function nodeDayDetail(input: NodeDayInput): NodeDayDetail {
  const summary = input.inWindow;
  return {
    timeline: nodeDayTimeline(input),
    latencies: summary ? summary.latencies : new LatencySketch(),
    latencySum: summary?.latencySum ?? 0,
    latencyCount: summary?.latencyCount ?? 0,
  };
}
