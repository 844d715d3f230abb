import type { DaySpan, Incident } from './incidents.js';
import type { Interval } from './intervals.js';
import type { LatencySketch } from './latency-sketch.js';
import { nodeDaySla } from './node-day-sla.js';
import type { NodeTimeOff, PeriodInputs } from './period-days.js';
import type { NodeDayDetail } from './node-day-timeline.js';
import { percentHalfUp, roundHalfUp2 } from './rounding.js';

/** One listed day of a (node, bucket) with its detail (see `nodeDayDetail`). */
export interface ListedDayDetail extends NodeDayDetail {
  day: number;
}

/** A node's listed days over the span read, oldest first. */
export interface NodePeriodInput {
  nodeId: string;
  firstAt: number;
  days: readonly ListedDayDetail[];
}

/** The node's maintenance time in `[from, to)` (normalized intervals), from the bucket's windows. */
export type MaintenanceOf = (nodeId: string, from: number, to: number) => Interval[];

/** The SLA time figures summed over listed days (`sla.md`). */
export interface SlaTimes {
  countedMs: number;
  onlineMs: number;
  maintenanceMs: number;
  /** Time ONLINE outside maintenance (the numerator of `percUptimeSla`). */
  onlineOutsideMaintenanceMs: number;
  downtimeMs: number;
  percUptime: number;
  /** null when all counted time lay inside maintenance. */
  percUptimeSla: number | null;
  incidents: number;
}

/** The period figures of one node (its profile aside). */
export interface NodePeriodFigures extends SlaTimes {
  nodeId: string;
  /** The last day of the period the node is listed on: its profile is taken as of that day's end. */
  lastListedDay: number;
  listedDays: number;
  longestIncidentMs: number | null;
  avgLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  /**
   * Listed days whose rollup has no detail (made before down spans and
   * latency sketches were kept; raw reports dropped since): their time is
   * left out of the time figures and incidents, and the percentiles are null.
   */
  daysWithoutDetail: number[];
  /** Its incidents overlapping its listed days of the period, oldest first. */
  incidentList: Incident[];
}

/** The period: its figures per node (in no particular order) and summed over nodes. */
export interface PeriodFigures {
  nodes: NodePeriodFigures[];
  bucket: SlaTimes;
}

/** Adds the time figures and derives the two percentages. */
function slaTimes(parts: ReadonlyArray<Omit<SlaTimes, 'percUptime' | 'percUptimeSla'>>): SlaTimes {
  const sum = (key: 'countedMs' | 'onlineMs' | 'maintenanceMs' | 'onlineOutsideMaintenanceMs' | 'downtimeMs' | 'incidents') =>
    parts.reduce((total, part) => total + part[key], 0);
  const countedMs = sum('countedMs');
  const maintenanceMs = sum('maintenanceMs');
  const onlineOutsideMaintenanceMs = sum('onlineOutsideMaintenanceMs');
  const outside = countedMs - maintenanceMs;
  return {
    countedMs,
    onlineMs: sum('onlineMs'),
    maintenanceMs,
    onlineOutsideMaintenanceMs,
    downtimeMs: sum('downtimeMs'),
    percUptime: percentHalfUp(sum('onlineMs'), countedMs),
    percUptimeSla: outside > 0 ? percentHalfUp(onlineOutsideMaintenanceMs, outside) : null,
    incidents: sum('incidents'),
  };
}

const QUANTILES = [0.5, 0.95, 0.99] as const;

/** p50, p95, p99 of the days' merged sketches; all null when a day has none or no latency was measured. */
function quantilesOf(days: readonly ListedDayDetail[]): Array<number | null> {
  if (days.some((d) => d.latencies === null)) return QUANTILES.map(() => null);
  let merged: LatencySketch | undefined;
  for (const { latencies } of days) {
    if (!latencies || latencies.count === 0) continue;
    if (merged) merged.merge(latencies);
    else merged = latencies.clone();
  }
  return QUANTILES.map((q) => merged?.quantile(q) ?? null);
}

/**
 * One node's period figures (`sla.md`'s table, its profile aside) from its
 * listed days (those outside `period` only serve to find where incidents
 * begin and end), its maintenance time and its incidents over the span
 * read (`readPeriodInputs`).
 *
 * @example
 * nodePeriodFigures(node, { maintenance, incidents }, { fromDay: 19737, toDay: 19767 })
 * // { nodeId, countedMs, onlineMs, percUptime: 99.5, percUptimeSla: 100, incidents: 0, p95LatencyMs: 48.2, ... }
 */
export function nodePeriodFigures(
  node: NodePeriodInput,
  { maintenance, incidents: incidentList }: NodeTimeOff,
  period: DaySpan,
): NodePeriodFigures | undefined {
  const inPeriod = node.days.filter((d) => d.day >= period.fromDay && d.day <= period.toDay);
  const last = inPeriod[inPeriod.length - 1];
  if (!last) return undefined;
  const daysSla = inPeriod.flatMap((d) => (d.timeline ? [nodeDaySla(d.timeline, maintenance)] : []));
  const counting = incidentList.filter((i) => i.countedOutsideMaintenanceMs > 0);
  const times = slaTimes([...daysSla.map((d) => ({ ...d, incidents: 0 })), emptyTimes(counting.length)]);
  const latencySum = inPeriod.reduce((total, d) => total + d.latencySum, 0);
  const latencyCount = inPeriod.reduce((total, d) => total + d.latencyCount, 0);
  const [p50, p95, p99] = quantilesOf(inPeriod);
  return {
    nodeId: node.nodeId,
    ...times,
    lastListedDay: last.day,
    listedDays: inPeriod.length,
    longestIncidentMs: counting.length === 0 ? null : Math.max(...counting.map((i) => i.inPeriodMs)),
    avgLatencyMs: latencyCount > 0 ? roundHalfUp2(latencySum / latencyCount) : null,
    p50LatencyMs: p50 ?? null,
    p95LatencyMs: p95 ?? null,
    p99LatencyMs: p99 ?? null,
    daysWithoutDetail: inPeriod.filter((d) => d.timeline === null || d.latencies === null).map((d) => d.day),
    incidentList,
  };
}

function emptyTimes(incidents: number): Omit<SlaTimes, 'percUptime' | 'percUptimeSla'> {
  return { countedMs: 0, onlineMs: 0, maintenanceMs: 0, onlineOutsideMaintenanceMs: 0, downtimeMs: 0, incidents };
}

/**
 * Every node's period figures and the bucket's summary (`sla.md`): the
 * summary's percentages are taken over the nodes' summed times, not
 * averaged.
 *
 * @example
 * const { nodes, bucket } = periodFigures(await readPeriodInputs(...), period);
 * bucket.percUptimeSla // 99.97
 */
export function periodFigures({ nodes: inputs, timeOff }: PeriodInputs, period: DaySpan): PeriodFigures {
  const nodes = inputs.flatMap((node) => {
    const off = timeOff.get(node.nodeId);
    return (off && nodePeriodFigures(node, off, period)) ?? [];
  });
  return { nodes, bucket: slaTimes(nodes) };
}
