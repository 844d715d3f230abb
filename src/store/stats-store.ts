import { sql, type Kysely, type Selectable } from 'kysely';
import type { NodeProfiles, SeriesAhead, SeriesDay, StatsSource } from '../stats/bucket-day-stats.js';
import { DAY_MS } from '../time/instant.js';
import type { Database, RollupDetailTable } from './database-schema.js';
import { groupBySeriesDay, seriesDayKey } from './write-ops.js';
import { isPostgres } from './dialect.js';
import { catchUpDetail } from '../stats/detail-catch-up.js';
import { detailFromRow, keptDetailSummary, reportFromRow, summaryFromRow } from './rollup-rows.js';
import type { NodeStore } from './node-store.js';
import { BucketSpanCache } from './bucket-span-cache.js';
import { LAYERED_TTL_MS } from './recent-cache.js';
import { statusCode } from './status-codes.js';
import type { StoreEvents } from './store-events.js';

/** One node's reports on a bucket within one minute, as the latency chart needs them. */
export interface MinuteLatency {
  nodeId: string;
  /** Start of the minute, epoch milliseconds. */
  minute: number;
  /** Sum and count of the minute's ONLINE reports that measured a latency. */
  latencySum: number;
  latencyCount: number;
}

const MINUTE_MS = 60_000;

/**
 * The reads behind the stats call, on either store. Rollup rows are kept
 * (`BucketSpanCache`) until a report lands in their span, so that a polled
 * day, even the current one with reports arriving, is mostly answered by the
 * engine alone; a new report costs one read of one row per node.
 */
export class StatsStore implements StatsSource {
  private readonly rollupSpans: BucketSpanCache<SeriesDay[]>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly nodes: NodeStore,
    events: StoreEvents,
    private readonly staleAfterMs: number,
  ) {
    // 100 000 rollup rows: the lookbacks of a few hundred buckets of 50 nodes.
    // Closed-day answers are kept and built from these: each layer gets half of the staleness allowed.
    this.rollupSpans = new BucketSpanCache(events, {
      dropOnNodeChange: false,
      maxSize: 100_000,
      sizeOf: (rows) => rows.length,
      ttlMs: LAYERED_TTL_MS,
    });
  }

  async seriesDays(bucketId: string, fromDay: number, toDay: number): Promise<SeriesDay[]> {
    // Two spans, kept apart: the day asked changes with every live report,
    // the days before it only with late ones.
    if (fromDay >= toDay) return this.keptSeriesDays(bucketId, fromDay, toDay);
    const [earlier, day] = await Promise.all([
      this.keptSeriesDays(bucketId, fromDay, toDay - 1),
      this.keptSeriesDays(bucketId, toDay, toDay),
    ]);
    return [...earlier, ...day];
  }

  private async keptSeriesDays(bucketId: string, fromDay: number, toDay: number): Promise<SeriesDay[]> {
    const generation = this.rollupSpans.generation();
    const kept = this.rollupSpans.get(bucketId, fromDay, toDay);
    if (kept) return kept;
    const rows = await seriesDaysOf(this.db, { column: 's.bucket_id', value: bucketId }, fromDay, toDay);
    this.rollupSpans.set(bucketId, fromDay, toDay, rows, generation);
    return rows;
  }

  /**
   * The same rows as `seriesDays`, with their detail (down spans, latency
   * sketch), read straight from the store in one indexed read and not kept:
   * the range call and the SLA report ask for a long span once, which the
   * cache would only hold in memory. Ask for `fromDay - lookbackDays(...)`
   * to have each day's lookback rows too (`rollupsByDay`).
   *
   * @example
   * const rows = await store.stats.seriesDaysRange(bucketId, 19730, 19767);
   */
  seriesDaysRange(bucketId: string, fromDay: number, toDay: number): Promise<SeriesDay[]> {
    // One snapshot: the rollups, their detail and the raw reports after it agree.
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((trx) => seriesDaysWithDetail(trx, { column: 's.bucket_id', value: bucketId }, fromDay, toDay, this.staleAfterMs));
  }

  /**
   * A value that changes whenever the rollups of `bucketId` for days
   * `fromDay..toDay`, its series' starts or its nodes' registrations
   * change: the day rows, their report counts and newest instants, and the
   * registrations, aggregated in primary-key reads. A kept answer computed
   * from those rows is still right while this value stays the same, on any
   * instance (a late report adds to a count; a new series adds a row).
   *
   * @example
   * const before = await store.stats.rollupFingerprint(bucketId, 19700, 19767);
   */
  async rollupFingerprint(bucketId: string, fromDay: number, toDay: number): Promise<string> {
    const series = await seriesOf(this.db, { column: 's.bucket_id', value: bucketId });
    // No series: nothing a kept answer depends on, until the first report makes one.
    if (series.length === 0) return '[]';
    const [rollups, registrations] = await Promise.all([
      this.db
        .selectFrom('daily_rollups as r')
        .select(({ fn }) => [
          fn.count('r.day').as('days'),
          fn.sum('r.report_count').as('reports'),
          fn.max('r.last_at').as('lastAt'),
        ])
        .where(
          'r.series_id',
          'in',
          series.map((row) => row.id),
        )
        .where('r.day', '>=', fromDay)
        .where('r.day', '<=', toDay)
        .executeTakeFirst(),
      this.db
        .selectFrom('node_registrations as n')
        .select(({ fn }) => [fn.count('n.at').as('count'), fn.max('n.at').as('lastAt')])
        .where(
          'n.node_id',
          'in',
          series.map((row) => row.node_id),
        )
        .executeTakeFirst(),
    ]);
    // The series' starts, each as it is now (a report older than a series' first moves it).
    const starts = series.map((row) => `${row.id}:${row.first_at}`).sort();
    return JSON.stringify([rollups, starts, registrations], (_key, value: unknown) =>
      typeof value === 'bigint' ? String(value) : value,
    );
  }

  /**
   * Per node and minute, the reports of `bucketId` with `from <= at < to`,
   * summed in the database: a minute's mean latency for the chart of one day
   * (at about one report a minute, a day holds 1 440 per node).
   *
   * @example
   * const minutes = await store.stats.minuteLatencies(bucketId, dayStart, dayEnd);
   */
  async minuteLatencies(bucketId: string, from: number, to: number): Promise<MinuteLatency[]> {
    // A join with the `all_reports` view would make SQLite read the whole view first:
    // each table is joined on its own, in one read transaction (the writer may move
    // recent reports between the two reads), and the minutes of both added up.
    const rows = isPostgres(this.db)
      ? await this.minuteLatenciesIn(this.db, 'reports', bucketId, from, to)
      : await this.db
          .transaction()
          .setAccessMode('read only')
          .execute(async (trx) => [
            ...(await this.minuteLatenciesIn(trx, 'reports', bucketId, from, to)),
            ...(await this.minuteLatenciesIn(trx, 'reports_recent', bucketId, from, to)),
          ]);
    const byMinute = new Map<string, MinuteLatency>();
    for (const row of rows) {
      const key = `${row.nodeId}/${row.minute}`;
      const seen = byMinute.get(key);
      if (!seen) byMinute.set(key, row);
      else {
        seen.latencySum += row.latencySum;
        seen.latencyCount += row.latencyCount;
      }
    }
    return [...byMinute.values()].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : a.minute - b.minute));
  }

  private async minuteLatenciesIn(
    db: Kysely<Database>,
    table: 'reports' | 'reports_recent',
    bucketId: string,
    from: number,
    to: number,
  ): Promise<MinuteLatency[]> {
    // `at` is an integer column on both stores, so `/` divides as integers.
    const minute = sql<number>`r.at / ${sql.lit(MINUTE_MS)}`;
    const measured = sql`r.status = ${sql.lit(statusCode('ONLINE'))} and r.latency_ms is not null`;
    const rows = await db
      .selectFrom('series as s')
      .innerJoin(`${table} as r`, 'r.series_id', 's.id')
      .select('s.node_id')
      .select(minute.as('minute'))
      .select(sql<number>`sum(case when ${measured} then r.latency_ms else 0 end)`.as('latency_sum'))
      .select(sql<number>`count(case when ${measured} then 1 end)`.as('latency_count'))
      .where('s.bucket_id', '=', bucketId)
      .where('r.at', '>=', from)
      .where('r.at', '<', to)
      .groupBy(['s.node_id', minute])
      .execute();
    return rows.map((row) => ({
      nodeId: row.node_id,
      minute: Number(row.minute) * MINUTE_MS,
      latencySum: Number(row.latency_sum),
      latencyCount: Number(row.latency_count),
    }));
  }

  async seriesAhead(seriesId: number, fromDay: number, day: number, from: number): Promise<SeriesAhead> {
    // One snapshot: on SQLite a read transaction on this thread's connection (WAL keeps it
    // while the writer commits); on PostgreSQL a repeatable-read one.
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const rows = await seriesDaysWithDetail(trx, { column: 's.id', value: seriesId }, fromDay, day, this.staleAfterMs);
        const reports = (fromAt: number, toAt: number) =>
          trx
            .selectFrom('all_reports')
            .select(['at', 'status', 'latency_ms'])
            .where('series_id', '=', seriesId)
            .where('at', '>=', fromAt)
            .where('at', '<', toAt);
        const lastKept = await reports(day * DAY_MS, from)
          .orderBy('at', 'desc')
          .limit(1)
          .executeTakeFirst();
        const ahead = await reports(from, (day + 1) * DAY_MS)
          .orderBy('at')
          .execute();
        return { rows, lastKept: lastKept && reportFromRow(lastKept), ahead: ahead.map(reportFromRow) };
      });
  }

  nodeProfiles(nodeIds: readonly string[], asOf: number): Promise<NodeProfiles> {
    return this.nodes.profiles(nodeIds, asOf);
  }
}

const SUMMARY_COLUMNS = [
  'r.series_id',
  'r.day',
  'r.first_at',
  'r.last_at',
  'r.last_status',
  'r.last_latency_ms',
  'r.inner_online_ms',
  'r.latency_sum',
  'r.latency_count',
  'r.report_count',
] as const;

/** The raw reports of `seriesIds` with `from < at < to`, ordered by series and instant. */
function reportsOf(db: Kysely<Database>, seriesIds: number[], from: number, to: number) {
  return db
    .selectFrom('all_reports')
    .select(['series_id', 'at', 'status', 'latency_ms'])
    .where('series_id', 'in', seriesIds)
    .where('at', '>', from)
    .where('at', '<', to)
    .orderBy('series_id')
    .orderBy('at')
    .execute();
}

type SeriesSelector = { column: 's.bucket_id'; value: string } | { column: 's.id'; value: number };

/**
 * The series of one bucket, or one series, read on their own first: the rollup reads after them name their
 * series ids, so that each is a primary-key read whatever the planner believes. Joined to `series` in one
 * statement, PostgreSQL estimated the current days' rows from statistics taken before those days existed
 * and scanned all of `daily_rollups` (1 s a call at 100 000 series).
 */
function seriesOf(db: Kysely<Database>, which: SeriesSelector) {
  return db.selectFrom('series as s').select(['s.id', 's.node_id', 's.first_at']).where(which.column, '=', which.value).execute();
}

/**
 * The rollups of days `fromDay..toDay` of the series of one bucket, or of
 * one series, with each series' node and start, without their detail (the
 * daily numbers do not need it, and the rows kept for them stay small).
 */
async function seriesDaysOf(db: Kysely<Database>, which: SeriesSelector, fromDay: number, toDay: number): Promise<SeriesDay[]> {
  const series = new Map((await seriesOf(db, which)).map((row) => [row.id, row]));
  if (series.size === 0) return [];
  const rows = await db
    .selectFrom('daily_rollups as r')
    .select(SUMMARY_COLUMNS)
    .where('r.series_id', 'in', [...series.keys()])
    .where('r.day', '>=', fromDay)
    .where('r.day', '<=', toDay)
    .execute();
  return rows.map((row) => {
    const { node_id: nodeId, first_at: firstAt } = series.get(row.series_id) as { node_id: string; first_at: number };
    return { seriesId: row.series_id, nodeId, firstAt, day: row.day, summary: summaryFromRow(row) };
  });
}

/**
 * `seriesDaysOf` with each day's detail (down spans, latency sketch): the
 * kept detail, caught up with the raw reports after it where it is behind
 * (days listed in `rollup_detail_queue`: seconds of reports on PostgreSQL,
 * minutes on SQLite), null where it cannot be known. Run it in one read transaction.
 */
async function seriesDaysWithDetail(
  db: Kysely<Database>,
  which: SeriesSelector,
  fromDay: number,
  toDay: number,
  staleAfterMs: number,
): Promise<SeriesDay[]> {
  const days = await seriesDaysOf(db, which, fromDay, toDay);
  if (days.length === 0) return days;
  const kept = await db
    .selectFrom('rollup_details as d')
    .selectAll('d')
    .where('d.series_id', 'in', [...new Set(days.map((d) => d.seriesId))])
    .where('d.day', '>=', fromDay)
    .where('d.day', '<=', toDay)
    .execute();
  const keptByDay = new Map(kept.map((row) => [seriesDayKey({ seriesId: row.series_id, day: row.day }), row]));
  const behind: Array<SeriesDay & { kept: Selectable<RollupDetailTable> | undefined }> = [];
  for (const day of days) {
    const detail = keptByDay.get(seriesDayKey(day));
    if (detail?.report_count === day.summary.reportCount) Object.assign(day.summary, detailFromRow(detail));
    else behind.push({ ...day, kept: detail });
  }
  // The reports after the kept detail of every day behind, one read per UTC day (seconds of reports on the
  // day being written), not one per node.
  const behindDays = new Set(behind.map((d) => d.day));
  for (const day of behindDays) {
    const ofDay = behind.filter((d) => d.day === day);
    const from = Math.min(...ofDay.map((d) => d.kept?.through_at ?? day * DAY_MS - 1));
    const read = await reportsOf(
      db,
      ofDay.map((d) => d.seriesId),
      from,
      (day + 1) * DAY_MS,
    );
    const after = groupBySeriesDay(read.map((row) => ({ seriesId: row.series_id, report: reportFromRow(row) })));
    for (const { seriesId, summary, kept: detail } of ofDay) {
      const { reportCount } = summary;
      const reports = after.get(seriesDayKey({ seriesId, day }))?.reports ?? [];
      const wholeDay = async () => (await reportsOf(db, [seriesId], day * DAY_MS - 1, (day + 1) * DAY_MS)).map(reportFromRow);
      const caughtUp = detail
        ? (catchUpDetail(
            keptDetailSummary(detail),
            reports.filter((r) => r.at > detail.through_at),
            reportCount,
            staleAfterMs,
          ) ??
          // A kept detail that does not add up: the whole day; null when even that falls short (retention).
          catchUpDetail(undefined, await wholeDay(), reportCount, staleAfterMs))
        : catchUpDetail(undefined, reports, reportCount, staleAfterMs);
      Object.assign(summary, { downSpans: caughtUp?.downSpans ?? null, latencies: caughtUp?.latencies ?? null });
    }
  }
  return days;
}
