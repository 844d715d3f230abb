import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { catchUpDetail } from '../../stats/detail-catch-up.js';
import { DAY_MS } from '../../time/instant.js';
import type { ReportTable, RollupDetailTable } from '../database-schema.js';
import { detailRow, keptDetailSummary, reportFromRow } from '../rollup-rows.js';

/**
 * How often a pass over the listed days begins. A day's detail is caught up once a pass: with one report a
 * minute per series, five reports at a time instead of one. Readers add the reports after the kept detail
 * themselves, so a detail minutes behind costs them a few rows, not a wrong answer.
 */
const DETAIL_PASS_MS = 5 * 60_000;
// Days caught up per group commit at most (≈ 15 µs each): a pass of a million days is spread over many.
const DAYS_PER_STEP = 5_000;
const MAX_BITMAP_BYTES = 2 ** 24;

/** A listed day with its rollup's count (none: the rollup is gone) and its kept detail (none: not kept). */
type ListedDay = { series_id: number; day: number; report_count: number | null } & {
  [K in keyof RollupDetailTable as K extends 'series_id' | 'day' ? never : `kept_${K}`]: RollupDetailTable[K] | null;
};

/** Which series ids are listed for one day, a bit each: a million series in 125 kB of the writer's small heap. */
interface ListedBits {
  bits: Uint8Array;
  count: number;
}

/** Where a series id's bit is in a day's `ListedBits`. */
const bitOf = (seriesId: number) => ({ byte: Math.floor(seriesId / 8), bit: 1 << (seriesId % 8) });

/**
 * The detail of the daily rollups (down spans, latency sketch) as the
 * SQLite writer keeps it. A group commit that begins or recomputes a day
 * saves its detail whole; one that appends to a day lists it in
 * `rollup_detail_queue` (in the same transaction, so a crash loses no
 * listing), and the writer catches the listed days up a pass at a time,
 * every `DETAIL_PASS_MS`, a step of at most `DAYS_PER_STEP` days per
 * group commit, each from the raw reports after its kept detail.
 *
 * A step runs only when `reports_recent` is empty (right after a move):
 * then every report a rollup counts is in `reports`.
 */
export class SqliteRollupDetails {
  /** Days known to be listed, by day: a set bit means the row is there (committed or in this transaction). */
  private readonly listed = new Map<number, ListedBits>();
  private passStartedAt = 0;
  /** Where the running pass has come to; none between passes. Days listed behind it wait for the next. */
  private cursor: { seriesId: number; day: number } | undefined;
  private readonly statements: {
    list: Statement<[number, number]>;
    listedAfter: Statement<[number, number, number], ListedDay>;
    unlistThrough: Statement<[number, number, number, number]>;
    reportsBetween: Statement<[number, number, number], Pick<ReportTable, 'at' | 'status' | 'latency_ms'>>;
    save: Statement<RollupDetailTable>;
    drop: Statement<[number, number]>;
  };

  constructor(
    sqlite: SqliteDatabase,
    private readonly staleAfterMs: number,
  ) {
    this.statements = {
      list: sqlite.prepare('insert or ignore into rollup_detail_queue (series_id, day) values (?, ?)'),
      listedAfter: sqlite.prepare(
        `select q.series_id, q.day, r.report_count, d.through_at as kept_through_at,
           d.through_status as kept_through_status, d.report_count as kept_report_count,
           d.down_spans as kept_down_spans, d.latencies as kept_latencies
         from rollup_detail_queue q
         left join daily_rollups r on r.series_id = q.series_id and r.day = q.day
         left join rollup_details d on d.series_id = q.series_id and d.day = q.day
         where (q.series_id, q.day) > (?, ?)
         order by q.series_id, q.day
         limit ?`,
      ),
      unlistThrough: sqlite.prepare(
        'delete from rollup_detail_queue where (series_id, day) > (?, ?) and (series_id, day) <= (?, ?)',
      ),
      reportsBetween: sqlite.prepare('select at, status, latency_ms from reports where series_id = ? and at > ? and at < ?'),
      save: sqlite.prepare(
        `insert into rollup_details (series_id, day, through_at, through_status, report_count, down_spans, latencies)
         values (@series_id, @day, @through_at, @through_status, @report_count, @down_spans, @latencies)
         on conflict (series_id, day) do update set through_at = excluded.through_at,
           through_status = excluded.through_status, report_count = excluded.report_count,
           down_spans = excluded.down_spans, latencies = excluded.latencies`,
      ),
      drop: sqlite.prepare('delete from rollup_details where series_id = ? and day = ?'),
    };
  }

  /** Saves a day's detail, whole as far as its `through_at`. */
  save(row: RollupDetailTable): void {
    this.statements.save.run(row);
  }

  /** Lists a day whose rollup a group commit appended to: its detail is now behind. */
  list(seriesId: number, day: number): void {
    const listed = this.listed.get(day);
    const { byte, bit } = bitOf(seriesId);
    if (listed && byte < listed.bits.length && (listed.bits[byte] as number) & bit) return;
    this.statements.list.run(seriesId, day);
    // Ids past this are listed without a bit (each listing asks the table): no bitmap of hundreds of MB.
    if (byte >= MAX_BITMAP_BYTES) return;
    const bits = listed?.bits ?? new Uint8Array(0);
    const grown = byte < bits.length ? bits : new Uint8Array(Math.max(byte + 1, 2 * bits.length));
    if (grown !== bits) grown.set(bits);
    grown[byte] = (grown[byte] as number) | bit;
    this.listed.set(day, { bits: grown, count: (listed?.count ?? 0) + 1 });
  }

  /** After a rollback: the listings made in it never were. The next listing of each day asks the table again. */
  forget(): void {
    this.listed.clear();
  }

  /**
   * One step of the pass under way, or the start of a new one when it is due (`all`: every listed day,
   * now). Call with `reports_recent` empty, in the writer's transaction. Answers how many days it caught up.
   */
  step(now: number, all = false): number {
    if (!this.cursor) {
      if (!all && now - this.passStartedAt < DETAIL_PASS_MS) return 0;
      this.passStartedAt = now;
      this.cursor = { seriesId: -1, day: -1 };
    }
    let done = 0;
    for (;;) {
      const from = this.cursor;
      const days = this.statements.listedAfter.all(from.seriesId, from.day, DAYS_PER_STEP);
      for (const listed of days) {
        this.catchUp(listed);
        this.unlistBit(listed.series_id, listed.day);
      }
      done += days.length;
      const last = days[days.length - 1];
      if (last) this.statements.unlistThrough.run(from.seriesId, from.day, last.series_id, last.day);
      if (days.length < DAYS_PER_STEP || !last) {
        this.cursor = undefined;
        return done;
      }
      this.cursor = { seriesId: last.series_id, day: last.day };
      if (!all) return done;
    }
  }

  /** One listed day's detail, from the kept one and the reports after it; whole from the day's reports when that falls short. */
  private catchUp(listed: ListedDay): void {
    const { series_id: seriesId, day, report_count: reportCount } = listed;
    // The rollup is gone (its bucket deleted), or its detail was saved whole since it was listed.
    if (reportCount === null || listed.kept_report_count === reportCount) return;
    const kept = keptOf(listed);
    const dayEnd = (day + 1) * DAY_MS;
    let reports = this.reportsBetween(seriesId, kept?.through_at ?? day * DAY_MS - 1, dayEnd);
    let detail = kept && catchUpDetail(keptDetailSummary(kept), reports, reportCount, this.staleAfterMs);
    if (!detail) {
      // No detail kept, or one that does not add up: the day's reports, whole.
      if (kept) reports = this.reportsBetween(seriesId, day * DAY_MS - 1, dayEnd);
      detail = catchUpDetail(undefined, reports, reportCount, this.staleAfterMs);
    }
    const through = reports[reports.length - 1];
    // Null: some of the day's reports are gone (retention), and its detail cannot be known.
    if (detail && through) this.save(detailRow(seriesId, day, through, reportCount, detail));
    else this.statements.drop.run(seriesId, day);
  }

  private reportsBetween(seriesId: number, after: number, before: number) {
    return this.statements.reportsBetween.all(seriesId, after, before).map(reportFromRow);
  }

  private unlistBit(seriesId: number, day: number): void {
    const listed = this.listed.get(day);
    const { byte, bit } = bitOf(seriesId);
    if (!listed || byte >= listed.bits.length || !((listed.bits[byte] as number) & bit)) return;
    listed.bits[byte] = (listed.bits[byte] as number) & ~bit;
    // A day none of whose series is listed any more (yesterday, once caught up) gives its bits back.
    if (--listed.count === 0) this.listed.delete(day);
  }
}

function keptOf(listed: ListedDay): RollupDetailTable | undefined {
  const { kept_through_at, kept_through_status, kept_report_count, kept_down_spans, kept_latencies } = listed;
  if (kept_through_at === null || kept_through_status === null || kept_report_count === null) return undefined;
  if (kept_down_spans === null || kept_latencies === null) return undefined;
  return {
    series_id: listed.series_id,
    day: listed.day,
    through_at: kept_through_at,
    through_status: kept_through_status,
    report_count: kept_report_count,
    down_spans: kept_down_spans,
    latencies: kept_latencies,
  };
}
