import { DAY_MS, dayOf } from '../time/instant.js';
import type { StatsSettings } from './bucket-day-stats.js';
import { rollupsByDay, type RangeStatsSource } from './bucket-range-stats.js';
import { nodeIncidents, spanWindow, type DaySpan, type Incident } from './incidents.js';
import type { Interval } from './intervals.js';
import { listedNodeDays, lookbackDays } from './listed-node-days.js';
import { nodeDayDetail } from './node-day-timeline.js';
import type { MaintenanceOf, NodePeriodInput } from './period-report.js';

/** How many days each further read reaches back or ahead to find where an incident begins or ends. */
const EXTEND_CHUNK_DAYS = 31;
/**
 * How far before the period an incident's start is looked for: a node down
 * for longer than a year before the period is reported as down from this
 * far back (its `start` is then this bound).
 */
export const INCIDENT_LOOKBACK_DAYS = 366;

/** What the period's figures are computed from: the span of days read, and each node's listed days in it. */
export interface PeriodInputs {
  read: DaySpan;
  nodes: NodePeriodInput[];
  /**
   * Each node's maintenance time over `read` and its incidents
   * (`nodeIncidents`): finding how far to read needs both, so they are
   * handed on to the figures rather than computed again.
   */
  timeOff: Map<string, NodeTimeOff>;
}

/** A node's maintenance time (normalized intervals) and incidents over the span read. */
export interface NodeTimeOff {
  maintenance: Interval[];
  incidents: Incident[];
}

/**
 * Each node's listed days of `span` with their detail (`nodeDayDetail`),
 * from one read of the rollups of the span and its lookback: the same
 * listing as the daily call's, day by day.
 */
export async function readListedDays(
  source: RangeStatsSource,
  bucketId: string,
  span: DaySpan,
  now: number,
  settings: StatsSettings,
): Promise<Map<string, NodePeriodInput>> {
  const lookback = lookbackDays(settings);
  const rows = await source.seriesDaysRange(bucketId, span.fromDay - lookback, span.toDay);
  const byNode = new Map<string, NodePeriodInput & { days: NodePeriodInput['days'][number][] }>();
  for (const { day, series } of rollupsByDay(rows, span.fromDay, span.toDay, lookback)) {
    const firstAtOf = new Map(series.map((s) => [s.nodeId, s.firstAt]));
    const { nodes } = await listedNodeDays(source, series, day, now, settings);
    for (const { nodeId, input } of nodes) {
      const node = byNode.get(nodeId) ?? { nodeId, firstAt: firstAtOf.get(nodeId) ?? input.firstAt, days: [] };
      byNode.set(nodeId, node);
      node.days.push({ day, ...nodeDayDetail(input) });
    }
  }
  return byNode;
}

/** Adds the days of `more` (a span just before or after) to `nodes`, keeping each node's days in order. */
function joinDays(nodes: Map<string, NodePeriodInput>, more: Map<string, NodePeriodInput>, before: boolean): void {
  for (const [nodeId, extra] of more) {
    const node = nodes.get(nodeId);
    if (!node) nodes.set(nodeId, extra);
    else nodes.set(nodeId, { ...node, days: before ? [...extra.days, ...node.days] : [...node.days, ...extra.days] });
  }
}

/** Each node's maintenance time over `read`, and its incidents with that maintenance. */
function timeOffOver(
  nodes: Map<string, NodePeriodInput>,
  maintenanceOf: MaintenanceOf,
  read: DaySpan,
  period: DaySpan,
  now: number,
): Map<string, NodeTimeOff> {
  const window = spanWindow(read, now);
  const timeOff = new Map<string, NodeTimeOff>();
  for (const node of nodes.values()) {
    const maintenance = maintenanceOf(node.nodeId, window.from, window.to);
    timeOff.set(node.nodeId, { maintenance, incidents: nodeIncidents(node, maintenance, read, period, now) });
  }
  return timeOff;
}

/**
 * What a period's figures need: its listed days, and the days before and
 * after it (read a month at a time, up to `INCIDENT_LOOKBACK_DAYS` back and
 * up to now ahead) for as long as an incident of the period still runs at
 * the edge of what was read, so that it is listed with its true start and
 * end.
 *
 * @example
 * const { read, nodes, timeOff } = await readPeriodInputs(store.stats, bucketId, { fromDay, toDay }, Date.now(), settings, maintenanceOf);
 */
export async function readPeriodInputs(
  source: RangeStatsSource,
  bucketId: string,
  period: DaySpan,
  now: number,
  settings: StatsSettings,
  maintenanceOf: MaintenanceOf,
): Promise<PeriodInputs> {
  const nodes = await readListedDays(source, bucketId, period, now, settings);
  const read = { ...period };
  const today = dayOf(now);
  for (;;) {
    const timeOff = timeOffOver(nodes, maintenanceOf, read, period, now);
    const readFrom = spanWindow(read, now).from;
    let startsAtEdge = false;
    let endsAtEdge = false;
    for (const [nodeId, { incidents }] of timeOff) {
      const firstAt = nodes.get(nodeId)!.firstAt;
      for (const incident of incidents) {
        if (incident.start === readFrom && firstAt < readFrom) startsAtEdge = true;
        if (incident.end === null) endsAtEdge = true;
      }
    }
    const back = startsAtEdge && read.fromDay > period.fromDay - INCIDENT_LOOKBACK_DAYS;
    const ahead = endsAtEdge && read.toDay < today;
    if (!back && !ahead) return { read, nodes: [...nodes.values()], timeOff };
    if (back) {
      const fromDay = Math.max(period.fromDay - INCIDENT_LOOKBACK_DAYS, read.fromDay - EXTEND_CHUNK_DAYS);
      joinDays(nodes, await readListedDays(source, bucketId, { fromDay, toDay: read.fromDay - 1 }, now, settings), true);
      read.fromDay = fromDay;
    }
    if (ahead) {
      const toDay = Math.min(today, read.toDay + EXTEND_CHUNK_DAYS);
      joinDays(nodes, await readListedDays(source, bucketId, { fromDay: read.toDay + 1, toDay }, now, settings), false);
      read.toDay = toDay;
    }
  }
}

/** The end of the last listed day of a node, as of which its profile is given (the current day: now). */
export function profileInstantOf(lastListedDay: number, now: number): number {
  return Math.min((lastListedDay + 1) * DAY_MS, now);
}
