import type { Interval } from './intervals.js';

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
