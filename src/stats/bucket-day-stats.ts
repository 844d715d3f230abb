import { DAY_MS } from '../time/instant.js';
import { withoutNewest, type DaySummary } from './day-summary.js';
import { dayWindow, nodeDayStats, type NodeDayStats } from './daily-node-stats.js';
import type { Report } from './node-status.js';
import { nodeStatsStableUntil } from './stable-until.js';

/** One stored daily rollup of one (node, bucket) series. */
export interface SeriesDay {
  seriesId: number;
  nodeId: string;
  /** Earliest report ever of the series. */
  firstAt: number;
  day: number;
  summary: DaySummary;
}

/** A node's descriptive fields as of an instant (its latest registration before it). */
export interface NodeProfile {
  ip: string;
  host: string;
  region: string;
  provider: string;
  version: string;
}

/** What answering a bucket's day needs from a store; every store provides it. */
export interface StatsSource {
  /** The rollups of every series of `bucketId` for days `fromDay..toDay`. */
  seriesDays(bucketId: string, fromDay: number, toDay: number): Promise<SeriesDay[]>;
  /**
   * One series' rollups of days `fromDay..day` and its raw reports of `day`
   * around the instant `from`, all read in one snapshot of the store.
   */
  seriesAhead(seriesId: number, fromDay: number, day: number, from: number): Promise<SeriesAhead>;
  /** Each node's profile as of `asOf` (registrations strictly before it). */
  nodeProfiles(nodeIds: readonly string[], asOf: number): Promise<NodeProfiles>;
}

/** What `StatsSource.seriesAhead` reads, together. */
export interface SeriesAhead {
  rows: SeriesDay[];
  /** The newest raw report of the day dated before the instant asked. */
  lastKept: Report | undefined;
  /** The raw reports of the day dated at or after that instant, oldest first. */
  ahead: Report[];
}

/** Profiles as of an instant, and the first instant from which they may differ (a registration dated then). */
export interface NodeProfiles {
  byNode: Map<string, NodeProfile>;
  /** The earliest re-registration dated at or after the instant asked; Infinity when none is. */
  nextChangeAt: number;
}

export interface StatsSettings {
  staleAfterMs: number;
  nodeRetentionDays: number;
}

/**
 * How many days before the day asked can still change its answer: silent
 * nodes stay listed for `nodeRetentionDays`, and a status carries over
 * midnight for the stale time.
 */
export function lookbackDays(settings: StatsSettings): number {
  return Math.max(settings.nodeRetentionDays, Math.ceil(settings.staleAfterMs / DAY_MS));
}

/** One entry of a bucket's daily answer. */
export interface NodeDayEntry extends NodeDayStats, NodeProfile {
  nodeId: string;
}

function byHostIpId(a: NodeDayEntry, b: NodeDayEntry): number {
  for (const key of ['host', 'ip', 'nodeId'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  return 0;
}

/**
 * What one series brings to one day's answer: its rollup of that day, and
 * its newest rollup of the lookback days before it.
 */
export interface SeriesDayRollups {
  nodeId: string;
  firstAt: number;
  today?: SeriesDay | undefined;
  previous?: SeriesDay | undefined;
}

/** One day's answer, and until when it holds as time passes (see `DayAnswerOptions`). */
export interface DayAnswer {
  entries: NodeDayEntry[];
  /**
   * The first instant at which the answer may differ, reports and
   * registrations stored later aside: it holds for every `now` in
   * `[now, validUntil)`. Infinity for a closed day; `now + 1` unless asked
   * to look ahead.
   */
  validUntil: number;
}

/** How far ahead, in milliseconds, to find until when a current day's answer holds; 0 spares the work. */
export interface DayAnswerOptions {
  lookAheadMs?: number;
}

/**
 * Answers one bucket's UTC day at `now`: one entry per listed node, ordered
 * by host, ip, node id. Reads one rollup row per node and day of the
 * lookback, never the day's raw reports, except on the current day for a
 * node whose clock runs ahead (a report dated after `now`).
 *
 * @example
 * const { entries, validUntil } = await bucketDayAnswer(store.stats, bucketId, 19737, Date.now(), settings, { lookAheadMs: 500 });
 */
export async function bucketDayAnswer(
  source: StatsSource,
  bucketId: string,
  day: number,
  now: number,
  settings: StatsSettings,
  options: DayAnswerOptions = {},
): Promise<DayAnswer> {
  const rows = await source.seriesDays(bucketId, day - lookbackDays(settings), day);
  return dayAnswer(source, rollupsOfDay(rows, day).values(), day, now, settings, options);
}

/** What each series of `rows` (one day's lookback read) brings to `day`'s answer, by series id. */
function rollupsOfDay(rows: readonly SeriesDay[], day: number): Map<number, SeriesDayRollups> {
  const bySeries = new Map<number, SeriesDayRollups>();
  for (const row of rows) {
    const entry = bySeries.get(row.seriesId) ?? { nodeId: row.nodeId, firstAt: row.firstAt };
    if (row.day === day) entry.today = row;
    else if (!entry.previous || row.day > entry.previous.day) entry.previous = row;
    bySeries.set(row.seriesId, entry);
  }
  return bySeries;
}

/** `bucketDayAnswer`'s entries alone. */
export async function bucketDayStats(
  source: StatsSource,
  bucketId: string,
  day: number,
  now: number,
  settings: StatsSettings,
): Promise<NodeDayEntry[]> {
  return (await bucketDayAnswer(source, bucketId, day, now, settings)).entries;
}

/**
 * Completes one day's answer from what each series brings to it (see
 * `SeriesDayRollups`): the engine's numbers for every listed node, with the
 * node's profile as of the window's end, ordered by host, ip, node id.
 * Shared by the day and the range calls so that both answer a day alike.
 *
 * @example
 * const { entries } = await dayAnswer(store.stats, [{ nodeId, firstAt, today: row }], 19737, Date.now(), settings);
 */
export async function dayAnswer(
  source: Pick<StatsSource, 'seriesAhead' | 'nodeProfiles'>,
  series: Iterable<SeriesDayRollups>,
  day: number,
  now: number,
  settings: StatsSettings,
  options: DayAnswerOptions = {},
): Promise<DayAnswer> {
  const window = dayWindow(day, now);
  const dayEnd = window.start + DAY_MS;
  const closed = window.end === dayEnd;
  // The answer is looked at until `limit` at most, and never past the day's end.
  const limit = closed ? Infinity : Math.min(dayEnd, now + Math.max(1, options.lookAheadMs ?? 0));
  let validUntil = limit;
  const stats: Array<{ nodeId: string; numbers: NodeDayStats }> = [];
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
      validUntil = Math.min(validUntil, (fresh.ahead[0]?.at ?? Infinity) + 1);
    }
    const { nodeId } = kept;
    const listed = inWindow !== undefined || (previous !== undefined && previous.day >= day - settings.nodeRetentionDays);
    if (!listed) continue;
    const before: Report | undefined = previous && {
      at: previous.summary.lastAt,
      status: previous.summary.lastStatus,
      latencyMs: previous.summary.lastLatencyMs,
    };
    const input = { window, staleAfterMs: settings.staleAfterMs, firstAt, inWindow, before };
    const numbers = nodeDayStats(input);
    if (!numbers) continue;
    stats.push({ nodeId, numbers });
    if (!closed && validUntil > now + 1) validUntil = nodeStatsStableUntil(input, validUntil);
  }

  const profiles = await source.nodeProfiles(
    stats.map((s) => s.nodeId),
    window.end,
  );
  // A registration dated ahead (an operator's backfill) takes effect once the window passes it.
  if (!closed) validUntil = Math.min(validUntil, profiles.nextChangeAt + 1);
  const entries = stats
    .map(({ nodeId, numbers }) => ({ nodeId, ...(profiles.byNode.get(nodeId) as NodeProfile), ...numbers }))
    .sort(byHostIpId);
  return { entries, validUntil };
}
