import { DAY_MS } from '../time/instant.js';
import { onlineUntil, summarizeDay, type DaySummary } from './day-summary.js';
import type { NodeStatus, Report } from './node-status.js';
import { percentHalfUp, roundHalfUp2 } from './rounding.js';

/** The time asked about: `[start, end)` in epoch milliseconds. */
export interface StatsWindow {
  start: number;
  end: number;
}

/**
 * The window of UTC day `day` (a day number) seen at `now`: the whole day,
 * or up to `now` for the current day.
 *
 * @example
 * dayWindow(19737, Date.parse('2024-01-15T12:00:00Z')) // { start: 2024-01-15T00:00Z, end: 12:00Z }
 */
export function dayWindow(day: number, now: number): StatsWindow {
  const start = day * DAY_MS;
  return { start, end: Math.max(start, Math.min(start + DAY_MS, now)) };
}

/** What the engine needs to know about one (node, bucket) to answer one window. */
export interface NodeDayInput {
  window: StatsWindow;
  staleAfterMs: number;
  /** Instant of the earliest report ever received for this (node, bucket). */
  firstAt: number;
  /** The reports with `at` in the window, summarized; absent when there are none. */
  inWindow?: DaySummary | undefined;
  /** The newest report before `window.start`, if any. */
  before?: Report | undefined;
}

/** The numbers of one node's entry in the answer (`stats-semantics.md`). */
export interface NodeDayStats {
  percUptime: number;
  avgLatencyMs: number | null;
  lastUpdated: number;
  lastLatencyMs: number | null;
  nodeStatus: NodeStatus;
}

/**
 * Computes one node's daily numbers from its day summary and the report
 * before the day. Returns `undefined` when the node has no report before the
 * window's end (nothing to say).
 *
 * @example
 * nodeDayStats({ window, staleAfterMs: 180_000, firstAt, inWindow: summary, before })
 */
export function nodeDayStats(input: NodeDayInput): NodeDayStats | undefined {
  const { window, staleAfterMs, inWindow, before } = input;
  const last: Report | undefined = inWindow
    ? { at: inWindow.lastAt, status: inWindow.lastStatus, latencyMs: inWindow.lastLatencyMs }
    : before;
  if (!last) return undefined;

  let onlineMs = 0;
  if (before) {
    // The previous day's last status holds into this one until it goes stale.
    const carriedUntil = Math.min(before.at + onlineUntil(before, inWindow?.firstAt ?? Infinity, staleAfterMs), window.end);
    onlineMs += Math.max(0, carriedUntil - window.start);
  }
  if (inWindow) {
    onlineMs += inWindow.innerOnlineMs + onlineUntil(last, window.end, staleAfterMs);
  }
  const counted = window.end - Math.max(window.start, input.firstAt);

  return {
    percUptime: percentHalfUp(onlineMs, counted),
    avgLatencyMs: inWindow && inWindow.latencyCount > 0 ? roundHalfUp2(inWindow.latencySum / inWindow.latencyCount) : null,
    lastUpdated: last.at,
    lastLatencyMs: last.latencyMs,
    nodeStatus: window.end - last.at <= staleAfterMs ? last.status : 'DISCONNECTED',
  };
}

/**
 * The same numbers computed straight from every report of the (node,
 * bucket): the reference that rollups are checked against, and the path for
 * a current day holding reports dated after `now`.
 */
export function nodeDayStatsFromReports(
  reports: readonly Report[],
  window: StatsWindow,
  staleAfterMs: number,
): NodeDayStats | undefined {
  const first = reports.reduce<Report | undefined>((min, r) => (!min || r.at < min.at ? r : min), undefined);
  if (!first) return undefined;
  const before = reports
    .filter((r) => r.at < window.start)
    .reduce<Report | undefined>((max, r) => (!max || r.at > max.at ? r : max), undefined);
  const inWindow = summarizeDay(
    reports.filter((r) => r.at >= window.start && r.at < window.end),
    staleAfterMs,
  );
  return nodeDayStats({ window, staleAfterMs, firstAt: first.at, inWindow, before });
}
