import { DAY_MS } from '../time/instant.js';
import type { DaySummary } from './day-summary.js';
import { nodeDayStats, type NodeDayStats } from './daily-node-stats.js';
import { listedNodeDays, lookbackDays, rollupsOfDay, type ListedNodeDays } from './listed-node-days.js';
import type { Report } from './node-status.js';
import { nodeStatsStableUntil } from './stable-until.js';

export { lookbackDays } from './listed-node-days.js';

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
  /**
   * The rollups of every series of `bucketId` for days `fromDay..toDay`;
   * their detail (down spans, latencies) may be left out (null).
   */
  seriesDays(bucketId: string, fromDay: number, toDay: number): Promise<SeriesDay[]>;
  /**
   * One series' rollups of days `fromDay..day`, with their detail, and its
   * raw reports of `day` around the instant `from`, all read in one snapshot
   * of the store.
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
  return answerListed(source, await listedNodeDays(source, series, day, now, settings), now, options);
}

/**
 * `dayAnswer` from the day's listed nodes (`listedNodeDays`), for a caller
 * that needs the listing for more than the numbers (the range call's
 * latency quantiles).
 *
 * @example
 * const listed = await listedNodeDays(store.stats, series, day, now, settings);
 * const { entries } = await answerListed(store.stats, listed, now);
 */
export async function answerListed(
  source: Pick<StatsSource, 'nodeProfiles'>,
  listed: ListedNodeDays,
  now: number,
  options: DayAnswerOptions = {},
): Promise<DayAnswer> {
  const { window, nodes, aheadJoinsAt } = listed;
  const dayEnd = window.start + DAY_MS;
  const closed = window.end === dayEnd;
  // The answer is looked at until `limit` at most, and never past the day's end.
  const limit = closed ? Infinity : Math.min(dayEnd, now + Math.max(1, options.lookAheadMs ?? 0));
  let validUntil = Math.min(limit, aheadJoinsAt);
  const stats: Array<{ nodeId: string; numbers: NodeDayStats }> = [];
  for (const { nodeId, input } of nodes) {
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
