import type { StatsSettings } from '../../src/stats/bucket-day-stats.js';
import type { DownSpan, NodeDayTimeline } from '../../src/stats/down-spans.js';
import type { NodeStatus, Report } from '../../src/stats/node-status.js';
import { DAY_MS } from '../../src/time/instant.js';

const SECOND = 1000;

/**
 * The brute-force model, straight from stats-semantics.md, on whole seconds
 * (every instant of the histories it is given must be one): the status at second t is
 * the newest report at or before t while it is younger than the stale time,
 * else DISCONNECTED; nothing before the first report. A listed day's down
 * spans are the runs of seconds of its counted interval that are not ONLINE.
 */
export function modelTimeline(
  sorted: readonly Report[],
  day: number,
  now: number,
  settings: StatsSettings,
): NodeDayTimeline | undefined {
  const start = day * DAY_MS;
  const end = Math.max(start, Math.min(start + DAY_MS, now));
  const listedFrom = start - settings.nodeRetentionDays * DAY_MS;
  if (!sorted.some((r) => r.at >= listedFrom && r.at < end)) return undefined;
  const first = (sorted[0] as Report).at;
  const counted = { from: Math.min(Math.max(start, first), end), to: end };
  const downSpans: DownSpan[] = [];
  let newest = -1;
  for (let t = counted.from; t < counted.to; t += SECOND) {
    while (newest + 1 < sorted.length && (sorted[newest + 1] as Report).at <= t) newest++;
    const report = sorted[newest] as Report;
    const status: NodeStatus = t - report.at < settings.staleAfterMs ? report.status : 'DISCONNECTED';
    if (status === 'ONLINE') continue;
    const last = downSpans[downSpans.length - 1];
    if (last && last.to === t && last.status === status) last.to = t + SECOND;
    else downSpans.push({ from: t, to: t + SECOND, status });
  }
  return { counted, downSpans };
}
