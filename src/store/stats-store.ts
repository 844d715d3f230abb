import { sql, type Kysely } from 'kysely';
import type { NodeProfiles, SeriesAhead, SeriesDay, StatsSource } from '../stats/bucket-day-stats.js';
import { DAY_MS } from '../time/instant.js';
import type { Database } from './database-schema.js';
import { isPostgres } from './dialect.js';
import { reportFromRow, summaryFromRow } from './rollup-rows.js';
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
    const rows = await seriesDaysOf(this.db, { column: 's.bucket_id', value: bucketId }, fromDay, toDay, false);
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
    return seriesDaysOf(this.db, { column: 's.bucket_id', value: bucketId }, fromDay, toDay, true);
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
        const rows = await seriesDaysOf(trx, { column: 's.id', value: seriesId }, fromDay, day, true);
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

/**
 * The rollups of days `fromDay..toDay` of the series of one bucket, or of
 * one series, with each series' node and start; `detail`: with the down
 * spans and latency sketch, else those are left null (unread: the daily
 * numbers do not need them, and the rows kept for them stay small).
 */
async function seriesDaysOf(
  db: Kysely<Database>,
  which: { column: 's.bucket_id'; value: string } | { column: 's.id'; value: number },
  fromDay: number,
  toDay: number,
  detail: boolean,
): Promise<SeriesDay[]> {
  const rows = await db
    .selectFrom('series as s')
    .innerJoin('daily_rollups as r', 'r.series_id', 's.id')
    .select(['s.node_id', 's.first_at as series_first_at', ...SUMMARY_COLUMNS])
    .$if(detail, (q) => q.select(['r.down_spans', 'r.latencies']))
    .where(which.column, '=', which.value)
    .where('r.day', '>=', fromDay)
    .where('r.day', '<=', toDay)
    .execute();
  return rows.map((row) => ({
    seriesId: row.series_id,
    nodeId: row.node_id,
    firstAt: row.series_first_at,
    day: row.day,
    summary: summaryFromRow({ down_spans: null, latencies: null, ...row }),
  }));
}
