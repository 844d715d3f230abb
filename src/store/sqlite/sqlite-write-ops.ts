import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import type { DaySummary } from '../../stats/day-summary.js';
import type { Report } from '../../stats/node-status.js';
import { DAY_MS, dayOf } from '../../time/instant.js';
import type { DailyRollupTable, ReportTable, SeriesTable } from '../database-schema.js';
import type { NodeTimestamp } from '../node-last-timestamp.js';
import { detailRowFromSummary, reportFromRow, rowFromSummary, summaryFromRow } from '../rollup-rows.js';
import { statusCode } from '../status-codes.js';
import { BUSY_RETRY_LIMIT_MS, retryWhileBusy } from './busy-retry.js';
import { SqliteRollupDetails } from './sqlite-rollup-details.js';
import { seriesDayKey, type SeriesDayKey, type SeriesReport, type SeriesRow, type WriteOps } from '../write-ops.js';

type SeriesRecord = Omit<SeriesTable, 'id'> & { id: number };

// `reports_recent` moves into `reports` once it holds this many reports or
// is this old: big enough moves that a page write carries many reports,
// small enough that the rare reads of it (a chart, a clock running ahead)
// scan little.
const MOVE_AT_ROWS = 50_000;
const MOVE_AFTER_MS = 5_000;
// Rollup rows kept as last written, up to about this many bytes: the writer thread's heap is capped at 64 MB
// (sqlite-writer-thread.ts), and a row takes about 200 (its fields and its key), so some 40 000 series
// reporting now append without a read; beyond that, the least recently written are read again.
const KEPT_ROLLUP_BYTES = 8 * 2 ** 20;
const KNOWN_SERIES = 20_000;
const keptRowBytes = (_row: DailyRollupTable, key: string): number => 160 + 2 * key.length;

/** A rollup row's values in the order of the statements that write it: the row's fields, then its key. */
type RollupValues = [
  first_at: number,
  last_at: number,
  last_status: number,
  last_latency_ms: number | null,
  inner_online_ms: number,
  latency_sum: number,
  latency_count: number,
  report_count: number,
  series_id: number,
  day: number,
];

/**
 * The ingest statements on SQLite, as statements prepared once and run row
 * by row: better-sqlite3 runs them synchronously in microseconds, so the
 * cost of a batch is the rows it writes, not the building of SQL.
 * The caller holds the connection and the transaction (single writer: no
 * locks needed).
 *
 * A report newer than every stored report of its (series, day), as live
 * reports are, cannot repeat one: it is appended to `reports_recent`
 * without a lookup (migration 004), and moved into the clustered table in
 * bulk. Any other report is checked against every stored one: the recent
 * ones are moved first.
 *
 * A group commit that appends to a day writes the small rollup row alone
 * and lists the day; its detail (down spans, latency sketch, in
 * `rollup_details`) is caught up a few minutes later, with the day's other
 * new reports (`SqliteRollupDetails`). Until then readers add the reports
 * after the kept detail themselves.
 */
export class SqliteWriteOps implements WriteOps {
  /**
   * Series ids and starts by `bucket/node`, as this connection, the only
   * writer, last wrote them: most reports are for a series seen a minute
   * ago. Forgotten when a bucket is deleted, when a series' start moves and after a rollback.
   * An entry takes ≈ 220 bytes of the writer's 64 MB heap (its key, value and place in the LRU): 100 000
   * of them took a third of it, and seeding a million series ran it out of memory. Past this many series
   * reporting in turn no size would hit anyway; a miss is one primary-key lookup.
   */
  private readonly knownSeries = new LRUCache<string, { id: number; firstAt: number }>({ max: KNOWN_SERIES });
  /**
   * Rollup rows by (series, day) as this connection last wrote them: a live
   * report's group commit appends to its rollup without reading it again
   * (the read was a fifth of the writer's time). Sound because this
   * connection is the only writer of the file (one process per SQLite file)
   * and forgets them after a rollback, a bucket's deletion, and any other
   * statement that writes `daily_rollups` (`forgetRollups`).
   */
  private readonly keptRollups = new LRUCache<string, DailyRollupTable>({
    maxSize: KEPT_ROLLUP_BYTES,
    sizeCalculation: keptRowBytes,
  });
  private readonly details: SqliteRollupDetails;
  /** Reports in `reports_recent`, as this connection counts them (read again after a rollback). */
  private recentRows: number | undefined;
  private movedAt = Date.now();
  private readonly statements: {
    begin: Statement;
    commit: Statement;
    rollback: Statement;
    advanceGuard: Statement<[number, string, number]>;
    bucketExists: Statement<[string], number>;
    findSeries: Statement<[string, string], SeriesRecord>;
    insertSeries: Statement<[string, string, number], { id: number }>;
    moveFirstAt: Statement<[number, number]>;
    insertReport: Statement<[number, number, number, number | null]>;
    insertRecent: Statement<[number, number, number, number | null]>;
    moveRecent: Statement;
    clearRecent: Statement;
    countRecent: Statement<[], number>;
    lastAtOfDay: Statement<[number, number], number>;
    rollup: Statement<[number, number], DailyRollupTable>;
    dayReports: Statement<[number, number, number], Pick<ReportTable, 'at' | 'status' | 'latency_ms'>>;
    saveRollup: Statement<RollupValues>;
    updateRollup: Statement<RollupValues>;
  };

  constructor(
    private readonly sqlite: SqliteDatabase,
    staleAfterMs: number,
  ) {
    this.details = new SqliteRollupDetails(sqlite, staleAfterMs);
    this.statements = {
      begin: sqlite.prepare('begin immediate'),
      commit: sqlite.prepare('commit'),
      rollback: sqlite.prepare('rollback'),
      advanceGuard: sqlite.prepare(
        'update nodes set last_timestamp = ? where id = ? and (last_timestamp is null or last_timestamp < ?)',
      ),
      bucketExists: sqlite.prepare<[string], number>('select 1 from buckets where id = ?').pluck(),
      findSeries: sqlite.prepare('select id, node_id, bucket_id, first_at from series where bucket_id = ? and node_id = ?'),
      insertSeries: sqlite.prepare('insert into series (bucket_id, node_id, first_at) values (?, ?, ?) returning id'),
      moveFirstAt: sqlite.prepare('update series set first_at = ? where id = ?'),
      insertReport: sqlite.prepare(
        'insert into reports (series_id, at, status, latency_ms) values (?, ?, ?, ?) on conflict (series_id, at) do nothing',
      ),
      insertRecent: sqlite.prepare('insert into reports_recent (series_id, at, status, latency_ms) values (?, ?, ?, ?)'),
      // `where true` tells SQLite's parser that `on conflict` belongs to the insert, not to a join.
      moveRecent: sqlite.prepare(
        `insert into reports (series_id, at, status, latency_ms)
         select series_id, at, status, latency_ms from reports_recent where true order by series_id, at
         on conflict (series_id, at) do nothing`,
      ),
      clearRecent: sqlite.prepare('delete from reports_recent'),
      countRecent: sqlite.prepare<[], number>('select count(*) from reports_recent').pluck(),
      lastAtOfDay: sqlite
        .prepare<[number, number], number>('select last_at from daily_rollups where series_id = ? and day = ?')
        .pluck(),
      rollup: sqlite.prepare('select * from daily_rollups where series_id = ? and day = ?'),
      dayReports: sqlite.prepare('select at, status, latency_ms from reports where series_id = ? and at >= ? and at < ?'),
      // Positional parameters: binding ten named ones from an object took as long as the upsert itself.
      saveRollup: sqlite.prepare(
        `insert into daily_rollups (first_at, last_at, last_status, last_latency_ms, inner_online_ms,
           latency_sum, latency_count, report_count, series_id, day)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (series_id, day) do update set first_at = excluded.first_at, last_at = excluded.last_at,
           last_status = excluded.last_status, last_latency_ms = excluded.last_latency_ms,
           inner_online_ms = excluded.inner_online_ms, latency_sum = excluded.latency_sum,
           latency_count = excluded.latency_count, report_count = excluded.report_count`,
      ),
      updateRollup: sqlite.prepare(
        `update daily_rollups set first_at = ?, last_at = ?, last_status = ?, last_latency_ms = ?, inner_online_ms = ?,
           latency_sum = ?, latency_count = ?, report_count = ?
         where series_id = ? and day = ?`,
      ),
    };
  }

  /** Runs `work` with these statements in one transaction; a rollback also forgets the kept series. */
  async transaction<T>(work: (ops: SqliteWriteOps) => Promise<T>): Promise<T> {
    // IMMEDIATE takes the write lock at once: no upgrade that could fail half way. A busy
    // file (another process, a short busy_timeout) is waited for without failing the group.
    await retryWhileBusy(() => this.statements.begin.run(), BUSY_RETRY_LIMIT_MS);
    try {
      const result = await work(this);
      this.recentRows ??= this.statements.countRecent.get() ?? 0;
      if (this.recentRows >= MOVE_AT_ROWS || (this.recentRows > 0 && Date.now() - this.movedAt >= MOVE_AFTER_MS)) {
        this.moveRecent();
      }
      // With `reports_recent` empty every report a rollup counts is in `reports`, where the catch-up reads.
      if (this.recentRows === 0) this.details.step(Date.now());
      this.statements.commit.run();
      return result;
    } catch (error) {
      if (this.sqlite.inTransaction) this.statements.rollback.run();
      this.forgetAll();
      throw error;
    }
  }

  /**
   * Brings the detail of every listed day up to date now, in one transaction, rather than in the next few
   * minutes (tests, `Store.catchUpRollupDetail`). Answers how many days it caught up.
   */
  async catchUpDetail(): Promise<number> {
    return this.transaction(async () => {
      this.moveRecent();
      return this.details.step(Date.now(), true);
    });
  }

  /** Moves every recent report into the clustered table, in its order (nothing to do when none is known to be there). */
  private moveRecent(): void {
    if (this.recentRows === 0) return;
    this.statements.moveRecent.run();
    this.statements.clearRecent.run();
    this.recentRows = 0;
    this.movedAt = Date.now();
  }

  /** One writer at a time on SQLite: nothing to lock. */
  async lockNodes(): Promise<void> {}

  async existingBuckets(bucketIds: readonly string[]): Promise<Set<string>> {
    return new Set(bucketIds.filter((id) => this.statements.bucketExists.get(id) !== undefined));
  }

  async advanceGuards(guards: readonly NodeTimestamp[]): Promise<boolean[]> {
    return guards.map((guard) => this.statements.advanceGuard.run(guard.timestamp, guard.nodeId, guard.timestamp).changes > 0);
  }

  async series(wanted: ReadonlyArray<Omit<SeriesRow, 'id'>>): Promise<SeriesRow[]> {
    return wanted.map(({ bucketId, nodeId, firstAt }) => {
      const key = `${bucketId}/${nodeId}`;
      const known = this.knownSeries.get(key);
      if (known) return { id: known.id, bucketId, nodeId, firstAt: known.firstAt };
      const found = this.statements.findSeries.get(bucketId, nodeId);
      const row = found
        ? { id: found.id, bucketId, nodeId, firstAt: found.first_at }
        : { id: (this.statements.insertSeries.get(bucketId, nodeId, firstAt) as { id: number }).id, bucketId, nodeId, firstAt };
      this.knownSeries.set(key, { id: row.id, firstAt: row.firstAt });
      return row;
    });
  }

  async moveFirstAt(seriesId: number, firstAt: number): Promise<void> {
    this.statements.moveFirstAt.run(firstAt, seriesId);
    // Rare (a report older than its series' first): read them all again rather than index them by id too.
    this.knownSeries.clear();
  }

  /** After its bucket was deleted (by another connection): its series are gone, and their ids may be given again. */
  forgetBucket(bucketId: string): void {
    for (const key of [...this.knownSeries.keys()]) if (key.startsWith(`${bucketId}/`)) this.knownSeries.delete(key);
    this.forgetRollups();
  }

  /** After a statement other than a group commit's wrote `daily_rollups`: the kept rows may be out of date. */
  forgetRollups(): void {
    this.keptRollups.clear();
  }

  /** After a rollback: series created or moved in it never were, nor recent reports counted or rollups written in it. */
  forgetAll(): void {
    this.details.forget();
    this.knownSeries.clear();
    this.keptRollups.clear();
    this.recentRows = undefined;
  }

  /** Prepared on first use: a store opened at a migration before 008 (tests) never needs it. */
  private insertObservation: Statement<[string, string, number, string]> | undefined;

  async insertAlertObservations(
    reports: ReadonlyArray<{ bucketId: string; nodeId: string; at: number; status: string }>,
  ): Promise<void> {
    if (reports.length === 0) return;
    this.insertObservation ??= this.sqlite.prepare(
      'insert into alert_observations (bucket_id, node_id, at, status) values (?, ?, ?, ?)',
    );
    for (const r of reports) this.insertObservation.run(r.bucketId, r.nodeId, r.at, r.status);
  }

  async insertReports(reports: readonly SeriesReport[]): Promise<SeriesReport[]> {
    const { insertRecent, insertReport, lastAtOfDay } = this.statements;
    const older: SeriesReport[] = [];
    const stored = new Set<SeriesReport>();
    for (const row of reports) {
      const { seriesId, report } = row;
      const day = dayOf(report.at);
      // The kept row is the stored one (this connection alone writes rollups): no lookup for a live series.
      const lastAt = this.keptRollups.peek(seriesDayKey({ seriesId, day }))?.last_at ?? lastAtOfDay.get(seriesId, day);
      if (lastAt !== undefined && report.at <= lastAt) {
        older.push(row);
        continue;
      }
      insertRecent.run(seriesId, report.at, statusCode(report.status), report.latencyMs);
      stored.add(row);
    }
    if (this.recentRows !== undefined) this.recentRows += stored.size;
    if (older.length > 0) {
      this.moveRecent();
      for (const row of older) {
        const { seriesId, report } = row;
        if (insertReport.run(seriesId, report.at, statusCode(report.status), report.latencyMs).changes > 0) stored.add(row);
      }
    }
    // In the order given: the caller's groups rely on it.
    return reports.filter((row) => stored.has(row));
  }

  async rollups(keys: readonly SeriesDayKey[]): Promise<Map<string, DaySummary>> {
    const found = new Map<string, DaySummary>();
    for (const key of keys) {
      const text = seriesDayKey(key);
      const row = this.keptRollups.get(text) ?? this.statements.rollup.get(key.seriesId, key.day);
      if (row) found.set(text, summaryFromRow(row));
    }
    return found;
  }

  async dayReports({ seriesId, day }: SeriesDayKey): Promise<Report[]> {
    this.moveRecent();
    return this.statements.dayReports.all(seriesId, day * DAY_MS, (day + 1) * DAY_MS).map(reportFromRow);
  }

  /**
   * Saves the rollup rows; the detail only where the summary has it whole (a day recomputed or begun in
   * this commit): an appended one has none here, and its day is listed for the catch-up.
   */
  async saveRollups(rows: ReadonlyArray<SeriesDayKey & { summary: DaySummary }>): Promise<void> {
    for (const row of rows) {
      const key = seriesDayKey(row);
      const saved = rowFromSummary(row.seriesId, row.day, row.summary);
      this.writeRollup(saved, this.keptRollups.has(key));
      this.keptRollups.set(key, saved);
      const detail = detailRowFromSummary(row.seriesId, row.day, row.summary);
      if (detail) this.details.save(detail);
      else this.details.list(row.seriesId, row.day);
    }
  }

  /**
   * Writes a rollup row: a plain update where this connection wrote the row before (a kept row exists: the
   * upsert's insert attempt cost as much again), else an upsert.
   */
  private writeRollup(r: DailyRollupTable, kept: boolean): void {
    const values: RollupValues = [
      r.first_at,
      r.last_at,
      r.last_status,
      r.last_latency_ms,
      r.inner_online_ms,
      r.latency_sum,
      r.latency_count,
      r.report_count,
      r.series_id,
      r.day,
    ];
    if (kept && this.statements.updateRollup.run(...values).changes > 0) return;
    this.statements.saveRollup.run(...values);
  }
}
