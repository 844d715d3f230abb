import { DAY_MS } from '../time/instant.js';
import type { SeriesDay, SeriesDayRollups, StatsSettings, StatsSource } from './bucket-day-stats.js';
import { withoutNewest } from './day-summary.js';
import { dayWindow, type NodeDayInput, type StatsWindow } from './daily-node-stats.js';
import type { Report } from './node-status.js';

/**
 * How many days before the day asked can still change its answer: silent
 * nodes stay listed for `nodeRetentionDays`, and a status carries over
 * midnight for the stale time.
 */
export function lookbackDays(settings: StatsSettings): number {
  return Math.max(settings.nodeRetentionDays, Math.ceil(settings.staleAfterMs / DAY_MS));
}

/** What each series of `rows` (one day's lookback read) brings to `day`'s answer, by series id. */
export function rollupsOfDay(rows: readonly SeriesDay[], day: number): Map<number, SeriesDayRollups> {
  const bySeries = new Map<number, SeriesDayRollups>();
  for (const row of rows) {
    const entry = bySeries.get(row.seriesId) ?? { nodeId: row.nodeId, firstAt: row.firstAt };
    if (row.day === day) entry.today = row;
    else if (!entry.previous || row.day > entry.previous.day) entry.previous = row;
    bySeries.set(row.seriesId, entry);
  }
  return bySeries;
}

/** One listed node of a day, with what the engine needs to answer it. */
export interface ListedNodeDay {
  nodeId: string;
  input: NodeDayInput;
}

/** The listed nodes of one day, seen at some instant. */
export interface ListedNodeDays {
  window: StatsWindow;
  nodes: ListedNodeDay[];
  /**
   * The first instant at which a report dated ahead of now (a node's clock
   * running ahead) joins the window; Infinity when there is none.
   */
  aheadJoinsAt: number;
}

/**
 * Which nodes one UTC day lists at `now` (`stats-semantics.md`), each with
 * the engine's input for the day's window (its day summary, the report
 * before the day, its first report ever), from what each series brings to
 * the day (see `SeriesDayRollups`). Both the daily numbers (`dayAnswer`) and
 * the SLA detail (`nodeDayTimeline`) start from here, so they list alike.
 *
 * A node whose clock runs ahead (a report of the day dated at or after
 * `now`) has its series read again with those reports, which are taken
 * back out of the day summary (`withoutNewest`).
 *
 * @example
 * const { nodes } = await listedNodeDays(store.stats, series, 19737, Date.now(), settings);
 * nodes.map(({ nodeId, input }) => nodeDayTimeline(input))
 */
export async function listedNodeDays(
  source: Pick<StatsSource, 'seriesAhead'>,
  series: Iterable<SeriesDayRollups>,
  day: number,
  now: number,
  settings: StatsSettings,
): Promise<ListedNodeDays> {
  const window = dayWindow(day, now);
  let aheadJoinsAt = Infinity;
  const nodes: ListedNodeDay[] = [];
  for (const kept of series) {
    let { firstAt, today, previous } = kept;
    let inWindow = today?.summary;
    if (today && inWindow && inWindow.lastAt >= window.end) {
      // Reports dated after now (a node's clock ahead): taken back out of the series as it stands
      // now, its rollups read with its reports (kept rollups may predate reports stored since).
      const fresh = await source.seriesAhead(today.seriesId, day - lookbackDays(settings), day, window.end);
      ({ firstAt, today, previous } = rollupsOfDay(fresh.rows, day).get(today.seriesId) ?? { firstAt });
      inWindow = today && withoutNewest(today.summary, fresh.lastKept, fresh.ahead, settings.staleAfterMs);
      // The first of them joins the window once the window passes it.
      aheadJoinsAt = Math.min(aheadJoinsAt, (fresh.ahead[0]?.at ?? Infinity) + 1);
    }
    const listed = inWindow !== undefined || (previous !== undefined && previous.day >= day - settings.nodeRetentionDays);
    if (!listed) continue;
    const before: Report | undefined = previous && {
      at: previous.summary.lastAt,
      status: previous.summary.lastStatus,
      latencyMs: previous.summary.lastLatencyMs,
    };
    nodes.push({ nodeId: kept.nodeId, input: { window, staleAfterMs: settings.staleAfterMs, firstAt, inWindow, before } });
  }
  return { window, nodes, aheadJoinsAt };
}
