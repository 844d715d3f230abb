import { DAY_MS } from '../time/instant.js';
import type { DownSpan, NodeDayTimeline } from './down-spans.js';
import { normalizeIntervals, overlapLength, subtractIntervals, totalLength, type Interval } from './intervals.js';

/** A span of UTC days, both included. */
export interface DaySpan {
  fromDay: number;
  toDay: number;
}

/** One listed day of a (node, bucket); `timeline` null when its rollup has no detail (see `nodeDayTimeline`). */
export interface TimelineDay {
  day: number;
  timeline: NodeDayTimeline | null;
}

/** What the incidents of one (node, bucket) are found from. */
export interface NodeTimelines {
  /** Instant of its first report ever. */
  firstAt: number;
  /** Its listed days of the span read, oldest first. */
  days: readonly TimelineDay[];
}

/**
 * An incident (`sla.md`): a maximal run of the timeline that is not ONLINE.
 * `start` is where it truly began (as far back as was read); the figures
 * count up to its end, the end of the period, or now, whichever comes first.
 */
export interface Incident {
  start: number;
  /** The instant it was ONLINE again; null while it lasts to the end of what was read (now, when read to the current day). */
  end: number | null;
  durationMs: number;
  offlineMs: number;
  disconnectedMs: number;
  /** How much of `durationMs` lay inside maintenance time. */
  maintenanceMs: number;
  /** How much of it lay in the period's listed days' counted intervals outside maintenance: the report counts it when > 0. */
  countedOutsideMaintenanceMs: number;
  /** Its length clipped to the period (`longestIncidentMs`). */
  inPeriodMs: number;
}

/** The instants `[from, to)` of a span of days seen at `now`. */
export function spanWindow(span: DaySpan, now: number): Interval {
  const from = span.fromDay * DAY_MS;
  return { from, to: Math.max(from, Math.min((span.toDay + 1) * DAY_MS, now)) };
}

interface Piece extends DownSpan {
  /** In a listed day of the period (not a day read before or after it, nor a silent day between). */
  inPeriod: boolean;
}

/**
 * The down time of a node's days as one sorted list of pieces. A day on
 * which the node is not listed lies between two it is listed on only when it
 * sent nothing for `NODE_RETENTION_DAYS`: its timeline is DISCONNECTED all
 * day, so such days join the runs on either side. So does the stretch
 * before the first listed day read when the node reported earlier than
 * the span read, and after the last one (it stayed silent). A day without
 * detail breaks every run through it: what happened there is unknown.
 */
function piecesOf(node: NodeTimelines, read: Interval, period: Interval): Piece[][] {
  const runs: Piece[][] = [[]];
  const add = (span: DownSpan, inPeriod: boolean): void => {
    const from = Math.max(span.from, read.from);
    const to = Math.min(span.to, read.to);
    if (to > from) runs[runs.length - 1]!.push({ from, to, status: span.status, inPeriod });
  };
  const silent = (from: number, to: number): void => add({ from, to, status: 'DISCONNECTED' }, false);
  let previousEnd = node.firstAt < read.from ? read.from : undefined;
  for (const { day, timeline } of node.days) {
    if (!timeline) {
      runs.push([]);
      previousEnd = undefined;
      continue;
    }
    if (previousEnd !== undefined) silent(previousEnd, day * DAY_MS);
    const inPeriod = day * DAY_MS >= period.from && day * DAY_MS < period.to;
    for (const span of timeline.downSpans) add(span, inPeriod);
    previousEnd = (day + 1) * DAY_MS;
  }
  if (previousEnd !== undefined) silent(previousEnd, read.to);
  return runs;
}

/**
 * The incidents of one (node, bucket) that overlap the listed days of
 * `period`, oldest first, from the timelines of the days of `read` (which
 * holds `period`, and may reach back and ahead of it to find where its
 * incidents start and end). `maintenance` is the node's maintenance time
 * over `read`.
 *
 * @example
 * nodeIncidents({ firstAt, days: [{ day: 19737, timeline }] }, maintenance, { fromDay: 19737, toDay: 19737 }, { fromDay: 19737, toDay: 19737 }, now)
 * // [{ start, end, durationMs: 1_740_000, offlineMs: 60_000, disconnectedMs: 1_680_000, maintenanceMs: 1_740_000, ... }]
 */
export function nodeIncidents(
  node: NodeTimelines,
  maintenance: readonly Interval[],
  read: DaySpan,
  period: DaySpan,
  now: number,
): Incident[] {
  const readWindow = spanWindow(read, now);
  const periodWindow = spanWindow(period, now);
  const windows = normalizeIntervals(maintenance);
  const incidents: Incident[] = [];
  for (const pieces of piecesOf(node, readWindow, periodWindow)) {
    let runStart = 0;
    for (let i = 0; i < pieces.length; i++) {
      const next = pieces[i + 1];
      if (next && next.from === pieces[i]!.to) continue;
      const incident = incidentOf(pieces.slice(runStart, i + 1), windows, readWindow, periodWindow);
      if (incident) incidents.push(incident);
      runStart = i + 1;
    }
  }
  return incidents;
}

/** The incident of one run of touching pieces, if it has a piece in the period's listed days. */
function incidentOf(run: Piece[], maintenance: Interval[], read: Interval, period: Interval): Incident | undefined {
  const counted = run.filter((p) => p.inPeriod);
  if (counted.length === 0) return undefined;
  const start = run[0]!.from;
  const runEnd = run[run.length - 1]!.to;
  const until = Math.min(runEnd, period.to);
  let offlineMs = 0;
  let disconnectedMs = 0;
  for (const piece of run) {
    const length = Math.max(0, Math.min(piece.to, until) - piece.from);
    if (piece.status === 'OFFLINE') offlineMs += length;
    else disconnectedMs += length;
  }
  return {
    start,
    end: runEnd >= read.to ? null : runEnd,
    durationMs: until - start,
    offlineMs,
    disconnectedMs,
    maintenanceMs: overlapLength(start, until, maintenance),
    countedOutsideMaintenanceMs: totalLength(subtractIntervals(normalizeIntervals(counted), maintenance)),
    inPeriodMs: Math.max(0, until - Math.max(start, period.from)),
  };
}
