import { nodeDayStats, type NodeDayInput, type NodeDayStats } from './daily-node-stats.js';

/**
 * Until when a node's numbers for the current day, computed with the window
 * ending at `input.window.end`, stay exactly what they are as the window's
 * end moves on and nothing new arrives (new reports and registrations drop
 * a kept answer by themselves). Returns the first instant, at most `limit`,
 * at which they may differ: the answer holds for every end in
 * `[window.end, result)`.
 *
 * Only `perc_uptime` and `node_status` depend on the window's end. Online
 * time grows at rate 1 while the last status is ONLINE and fresh, then at
 * rate 0, so between the instants where a status goes stale the uptime
 * `online / counted` moves one way only, and so does its rounding: the last
 * end with the same numbers is found by bisection over whole milliseconds,
 * computing the numbers exactly as an answer would.
 *
 * @example
 * nodeStatsStableUntil({ window: { start, end: now }, staleAfterMs: 180_000, firstAt, inWindow, before }, now + 500)
 */
export function nodeStatsStableUntil(input: NodeDayInput, limit: number): number {
  const { window, staleAfterMs } = input;
  const end = window.end;
  if (limit <= end + 1) return limit;
  const base = nodeDayStats(input);
  // No report before the window's end: only a new report can list the node.
  if (!base) return limit;
  // At the first instant counted the uptime is 0 by definition, then takes its first real value.
  if (end === Math.max(window.start, input.firstAt)) return end + 1;

  const at = (e: number): NodeDayStats | undefined => nodeDayStats({ ...input, window: { start: window.start, end: e } });
  const same = (e: number): boolean => {
    const stats = at(e);
    return stats !== undefined && stats.percUptime === base.percUptime && stats.nodeStatus === base.nodeStatus;
  };
  // Where the rate of online time can change: a status going stale.
  let last = limit - 1;
  for (const staleAt of [base.lastUpdated + staleAfterMs, (input.before?.at ?? -Infinity) + staleAfterMs]) {
    if (staleAt > end && staleAt < last) last = staleAt;
  }
  if (same(last)) return last + 1;
  let lo = end;
  let hi = last;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (same(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}
