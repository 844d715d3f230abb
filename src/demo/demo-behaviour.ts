import type { NodeStatus } from '../stats/node-status.js';
import { DAY_MS, dayOf } from '../time/instant.js';
import type { DemoNode } from './demo-fleet.js';
import { unitNoise } from './demo-noise.js';

/** The instants the fleet's story hangs on. */
export interface DemoTimeline {
  /** The UTC day number the demo started on: day patterns count back from it. */
  anchorDay: number;
  /** When the `upgraded` node moved to the new version (and got faster). */
  upgradeAt: number;
  /** An instant at which a flap begins: the flapping node's cycle counts from it, so that the first live flap comes soon. */
  flapAnchor: number;
}

/**
 * What a node saw of one bucket at one instant. Never DISCONNECTED: the
 * agent's probe only tells reachable from failing, and a node that lost
 * its own footing simply goes silent (null from `observe`).
 */
export interface Observation {
  status: Exclude<NodeStatus, 'DISCONNECTED'>;
  latencyMs: number | null;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The `flapping` node's cycle on its bad days, in minutes of the UTC day: OFFLINE first, then ONLINE. */
export const FLAP_CYCLE = { offlineMinutes: 4, onlineMinutes: 7 } as const;
/** The `outages` node's outage on its bad days, in UTC hours: it sends nothing at all then. */
export const OUTAGE_HOURS = { from: 2, to: 6.5 } as const;

/**
 * Whether the `flapping` node flaps on the day `daysAgo` days before the
 * demo started: today (and whatever days the demo stays up into), and every
 * third day before, starting yesterday.
 *
 * @example
 * isFlappingDay(0) // true
 */
export function isFlappingDay(daysAgo: number): boolean {
  return daysAgo <= 0 || daysAgo % 3 === 1;
}

/**
 * Whether the `outages` node was down for hours on that past day: yesterday,
 * and every week before it. Never on the live days.
 *
 * @example
 * isOutageDay(8) // true
 */
export function isOutageDay(daysAgo: number): boolean {
  return daysAgo >= 1 && daysAgo % 7 === 1;
}

function isFlappingOffline(at: number, anchor: number): boolean {
  const cycleMs = (FLAP_CYCLE.offlineMinutes + FLAP_CYCLE.onlineMinutes) * MINUTE_MS;
  const intoCycle = (((at - anchor) % cycleMs) + cycleMs) % cycleMs;
  return intoCycle < FLAP_CYCLE.offlineMinutes * MINUTE_MS;
}

function isInOutage(at: number): boolean {
  const hour = (at % DAY_MS) / HOUR_MS;
  return hour >= OUTAGE_HOURS.from && hour < OUTAGE_HOURS.to;
}

/**
 * Latency from the node's region to the bucket's storage: its base, a daily
 * sine that peaks in the region's afternoon (30 % above the base at 14:00
 * local, 30 % below at 02:00), jitter of ±16 %, and a spike now and then.
 */
function latencyAt(node: DemoNode, nodeIndex: number, bucketIndex: number, at: number, timeline: DemoTimeline): number {
  const second = Math.floor(at / 1000);
  const localHour = ((at % DAY_MS) / HOUR_MS + node.utcOffsetHours + 24) % 24;
  const daily = 1 + 0.3 * Math.sin((2 * Math.PI * (localHour - 8)) / 24);
  const bucketFactor = bucketIndex === 0 ? 1 : 1.12; // the second bucket's storage is a little farther
  const upgradeFactor = node.trait === 'upgraded' && at >= timeline.upgradeAt ? 0.8 : 1;
  const jitter = 1 + 0.16 * (unitNoise(nodeIndex, bucketIndex, second, 2) + unitNoise(nodeIndex, bucketIndex, second, 3) - 1);
  const spike = unitNoise(nodeIndex, bucketIndex, second, 4) < 0.01 ? 2.5 : 1;
  return Math.max(1, Math.round(node.baseLatencyMs * daily * bucketFactor * upgradeFactor * jitter * spike));
}

/**
 * What node `nodeIndex` of the fleet saw of bucket `bucketIndex` at `at`, or
 * `null` when the node was down and sent nothing. Pure: the history import
 * and the live senders both ask it.
 *
 * @example
 * observe(DEMO_FLEET[0], 0, 0, Date.now(), timeline) // { status: 'ONLINE', latencyMs: 17 }
 */
export function observe(
  node: DemoNode,
  nodeIndex: number,
  bucketIndex: number,
  at: number,
  timeline: DemoTimeline,
): Observation | null {
  const daysAgo = timeline.anchorDay - dayOf(at);
  if (node.trait === 'outages' && isOutageDay(daysAgo) && isInOutage(at)) return null;
  const offline =
    (node.trait === 'flapping' && isFlappingDay(daysAgo) && isFlappingOffline(at, timeline.flapAnchor)) ||
    unitNoise(nodeIndex, bucketIndex, Math.floor(at / 1000), 1) < node.blipRate;
  if (offline) return { status: 'OFFLINE', latencyMs: null };
  return { status: 'ONLINE', latencyMs: latencyAt(node, nodeIndex, bucketIndex, at, timeline) };
}

/**
 * The timeline of a demo started at `now` with `historyDays` of history:
 * the upgrade falls at 10:30 UTC halfway through the history (yesterday
 * for a 3-day history, 15 days ago for 30 days), and the flapping node's
 * next flap begins `firstFlapInMs` after `now` (once the history is in and
 * the fleet is live, so that its alerts are seen a minute or two after the start).
 *
 * @example
 * demoTimeline(Date.now(), 30).upgradeAt // 10:30 UTC, 15 days ago
 */
export function demoTimeline(now: number, historyDays: number, firstFlapInMs = 60_000): DemoTimeline {
  const anchorDay = dayOf(now);
  const upgradeDay = anchorDay - Math.max(1, Math.floor(historyDays / 2));
  return { anchorDay, upgradeAt: upgradeDay * DAY_MS + 10.5 * HOUR_MS, flapAnchor: now + firstFlapInMs };
}
