import {
  answerListed,
  lookbackDays,
  type NodeDayEntry,
  type SeriesDay,
  type SeriesDayRollups,
  type StatsSettings,
  type StatsSource,
} from './bucket-day-stats.js';
import { percentilesOf, type LatencyPercentiles } from './latency-sketch.js';
import { listedNodeDays } from './listed-node-days.js';

/** What answering a span of days needs from a store. */
export interface RangeStatsSource extends Pick<StatsSource, 'seriesAhead' | 'nodeProfiles'> {
  /** The rollups of every series of `bucketId` for days `fromDay..toDay`, with their detail, read in one go. */
  seriesDaysRange(bucketId: string, fromDay: number, toDay: number): Promise<SeriesDay[]>;
}

/** An entry of a range day: the day call's entry, and the quantiles of its latencies (`sla.md`). */
export interface RangeDayEntry extends NodeDayEntry {
  latencyPercentiles: LatencyPercentiles;
}

/** One day of a range answer: the same entries as the day's own answer. */
export interface BucketDayEntries {
  day: number;
  entries: RangeDayEntry[];
}

/** The most days one range call may span (a leap year). */
export const MAX_RANGE_DAYS = 366;

/**
 * For each day of `fromDay..toDay`, what each series brings to that day's
 * answer, grouped exactly as `bucketDayStats` groups its own lookback read:
 * the series' rollup of the day, and its newest rollup of the `lookback`
 * days before. `rows` must cover `fromDay - lookback..toDay`; a series with
 * no row in a day's lookback is left out of that day.
 *
 * Each series' rows are walked once in day order, so the whole span costs
 * one pass over the rows plus one step per series and day.
 *
 * @example
 * rollupsByDay(rows, 19737, 19767, 7) // [{ day: 19737, series: [...] }, ..., { day: 19767, series: [...] }]
 */
export function rollupsByDay(
  rows: readonly SeriesDay[],
  fromDay: number,
  toDay: number,
  lookback: number,
): Array<{ day: number; series: SeriesDayRollups[] }> {
  const bySeries = new Map<number, SeriesDay[]>();
  for (const row of rows) {
    const list = bySeries.get(row.seriesId) ?? [];
    bySeries.set(row.seriesId, list);
    list.push(row);
  }

  const days = Array.from({ length: Math.max(0, toDay - fromDay + 1) }, (_, i) => ({
    day: fromDay + i,
    series: [] as SeriesDayRollups[],
  }));
  for (const list of bySeries.values()) {
    list.sort((a, b) => a.day - b.day);
    const [first] = list;
    if (!first) continue;
    let next = 0;
    let newestBefore: SeriesDay | undefined;
    for (const slot of days) {
      while (next < list.length && (list[next] as SeriesDay).day < slot.day) newestBefore = list[next++];
      const today = list[next]?.day === slot.day ? list[next] : undefined;
      const previous = newestBefore && newestBefore.day >= slot.day - lookback ? newestBefore : undefined;
      if (today || previous) slot.series.push({ nodeId: first.nodeId, firstAt: first.firstAt, today, previous });
    }
  }
  return days;
}

/**
 * Answers every UTC day of `fromDay..toDay` of one bucket at `now`, each day
 * exactly as `bucketDayStats` answers it alone (with each entry's latency
 * percentiles added), from a single read of the
 * rollups of `fromDay - lookback..toDay` (about one row per node and day).
 * Raw reports are read only where the day call reads them too: on the
 * current day, for a node whose clock runs ahead of `now`.
 *
 * @example
 * const days = await bucketRangeStats(store.stats, bucketId, 19737, 19767, Date.now(), settings);
 * days[0] // { day: 19737, entries: [{ nodeId, ip, host, region, percUptime, ... }] }
 */
export async function bucketRangeStats(
  source: RangeStatsSource,
  bucketId: string,
  fromDay: number,
  toDay: number,
  now: number,
  settings: StatsSettings,
): Promise<BucketDayEntries[]> {
  const lookback = lookbackDays(settings);
  const rows = await source.seriesDaysRange(bucketId, fromDay - lookback, toDay);
  const answer: BucketDayEntries[] = [];
  for (const { day, series } of rollupsByDay(rows, fromDay, toDay, lookback)) {
    const listed = await listedNodeDays(source, series, day, now, settings);
    const sketches = new Map(
      listed.nodes.map(({ nodeId, input }) => [nodeId, input.inWindow ? input.inWindow.latencies : undefined]),
    );
    const { entries } = await answerListed(source, listed, now);
    // All null for a day without latencies, and for one whose rollup has no detail (made before it was kept).
    const latencyPercentiles = (nodeId: string) => percentilesOf(sketches.get(nodeId) ?? null);
    answer.push({ day, entries: entries.map((entry) => ({ ...entry, latencyPercentiles: latencyPercentiles(entry.nodeId) })) });
  }
  return answer;
}
