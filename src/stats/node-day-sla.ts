import type { NodeDayTimeline } from './down-spans.js';
import { intersectIntervals, normalizeIntervals, subtractIntervals, totalLength, type Interval } from './intervals.js';

/** The SLA time figures of one listed day of one (node, bucket), in whole milliseconds (`sla.md`). */
export interface NodeDaySla {
  /** Length of the day's counted interval. */
  countedMs: number;
  /** Time ONLINE in it. */
  onlineMs: number;
  /** Maintenance time in it. */
  maintenanceMs: number;
  /** Time ONLINE and outside maintenance. */
  onlineOutsideMaintenanceMs: number;
  /** Time not ONLINE and outside maintenance. */
  downtimeMs: number;
}

/**
 * One listed day's SLA figures from its timeline and the node's maintenance
 * time (any intervals; they are normalized here). ONLINE time is what the
 * down spans leave of the counted interval; maintenance only counts inside
 * the counted interval.
 *
 * @example
 * nodeDaySla({ counted: { from: 0, to: 100 }, downSpans: [{ from: 10, to: 30, status: 'OFFLINE' }] }, [{ from: 20, to: 50 }])
 * // { countedMs: 100, onlineMs: 80, maintenanceMs: 30, onlineOutsideMaintenanceMs: 60, downtimeMs: 10 }
 */
export function nodeDaySla(timeline: NodeDayTimeline, maintenance: readonly Interval[]): NodeDaySla {
  const counted = timeline.counted.to > timeline.counted.from ? [timeline.counted] : [];
  const down = intersectIntervals(normalizeIntervals(timeline.downSpans), counted);
  const inMaintenance = intersectIntervals(counted, normalizeIntervals(maintenance));
  const countedMs = totalLength(counted);
  const downMs = totalLength(down);
  const maintenanceMs = totalLength(inMaintenance);
  const downtimeMs = totalLength(subtractIntervals(down, inMaintenance));
  return {
    countedMs,
    onlineMs: countedMs - downMs,
    maintenanceMs,
    onlineOutsideMaintenanceMs: countedMs - maintenanceMs - downtimeMs,
    downtimeMs,
  };
}
