import type { NodeProfile, StatsSettings } from './bucket-day-stats.js';
import type { RangeStatsSource } from './bucket-range-stats.js';
import type { DaySpan, Incident } from './incidents.js';
import { profileInstantOf, readPeriodInputs } from './period-days.js';
import { periodFigures, type MaintenanceOf, type NodePeriodFigures, type SlaTimes } from './period-report.js';

/** A node's period figures with its profile as of the end of its last listed day of the period. */
export interface NodePeriodReport extends NodePeriodFigures, NodeProfile {}

/** An incident with its node and the node's profile (as its report entry gives it). */
export interface BucketIncident extends Incident {
  nodeId: string;
  host: string;
  ip: string;
}

/** A bucket's period report (`sla.md`). */
export interface BucketPeriodReport {
  period: DaySpan;
  /** Ordered by host, ip, node id, as the daily call orders its entries. */
  nodes: NodePeriodReport[];
  bucket: SlaTimes;
  /** Every node's incidents overlapping its listed days of the period, newest first. */
  incidents: BucketIncident[];
}

// Code-point order, as the daily call orders its entries (stats-semantics.md).
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A bucket's period report at `now`, from its rollups only (never a closed
 * day's raw reports): one read of the period's rollups, and further reads
 * before and after it only while an incident still runs at the edge of
 * what was read (see `readPeriodInputs`). Node profiles are read once per
 * distinct last listed day.
 *
 * @example
 * const report = await bucketPeriodReport(store.stats, bucketId, { fromDay: 19723, toDay: 19753 }, Date.now(), settings, maintenanceOf);
 * report.bucket.percUptimeSla // 99.97
 */
export async function bucketPeriodReport(
  source: RangeStatsSource,
  bucketId: string,
  period: DaySpan,
  now: number,
  settings: StatsSettings,
  maintenanceOf: MaintenanceOf,
): Promise<BucketPeriodReport> {
  const inputs = await readPeriodInputs(source, bucketId, period, now, settings, maintenanceOf);
  const figures = periodFigures(inputs, period);
  const byInstant = new Map<number, string[]>();
  for (const node of figures.nodes) {
    const asOf = profileInstantOf(node.lastListedDay, now);
    byInstant.set(asOf, [...(byInstant.get(asOf) ?? []), node.nodeId]);
  }
  const profiles = new Map<string, NodeProfile>();
  for (const [asOf, nodeIds] of byInstant) {
    for (const [nodeId, profile] of (await source.nodeProfiles(nodeIds, asOf)).byNode) profiles.set(nodeId, profile);
  }
  const nodes = figures.nodes
    .flatMap((node) => {
      const profile = profiles.get(node.nodeId);
      return profile ? [{ ...node, ...profile }] : [];
    })
    .sort((a, b) => compareStrings(a.host, b.host) || compareStrings(a.ip, b.ip) || compareStrings(a.nodeId, b.nodeId));
  const incidents = nodes
    .flatMap((node) => node.incidentList.map((incident) => ({ ...incident, nodeId: node.nodeId, host: node.host, ip: node.ip })))
    .sort((a, b) => b.start - a.start || compareStrings(a.nodeId, b.nodeId));
  return { period, nodes, bucket: figures.bucket, incidents };
}
