import { sql, type Kysely } from 'kysely';
import { catchUpDetail } from '../../stats/detail-catch-up.js';
import type { Report } from '../../stats/node-status.js';
import { DAY_MS } from '../../time/instant.js';
import type { Database, RollupDetailTable } from '../database-schema.js';
import { detailRow, keptDetailSummary, reportFromRow } from '../rollup-rows.js';
import { groupBySeriesDay } from '../write-ops.js';

// Rollups caught up per transaction: short transactions, few statements for many.
const KEYS_PER_TRANSACTION = 500;
/** How often an instance looks at the queue: the detail is at most about this far behind. */
export const DETAIL_CATCH_UP_MS = 2_000;

interface QueuedDay {
  series_id: number;
  day: number;
}

/**
 * Brings the detail of the rollups listed in `rollup_detail_queue` up to
 * date (PostgreSQL). A group commit appends to the small rollup row and
 * lists the day here instead of decoding, appending to and encoding its
 * sketch with every commit; this job does that once per day every few
 * seconds, on any instance: `for update skip locked` gives each listed day
 * to one of them, and the listing goes away with the detail's commit (a
 * crash leaves it listed). Readers add the reports after the kept detail
 * themselves (`catchUpDetail`), so no answer waits for it.
 *
 * Each transaction reads one snapshot (repeatable read): the kept detail,
 * the reports after it and the rollups' counts agree. One that meets a
 * detail written since by a commit that recomputed its day fails to
 * serialize and is rolled back, its days listed again for the next turn.
 *
 * @example
 * const job = new PostgresDetailCatchUp(db, 180_000, log);
 * job.start();
 * await job.runOnce(); // how many days it caught up
 */
export class PostgresDetailCatchUp {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopping = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly staleAfterMs: number,
    private readonly log: (message: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.runOnce().catch((error: unknown) => {
        if (!this.stopping) this.log(`catching up rollup detail failed (retried): ${(error as Error).message}`);
      });
    }, DETAIL_CATCH_UP_MS);
    this.timer.unref();
  }

  /** Catches up every listed day; answers how many. */
  async runOnce(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async drain(): Promise<number> {
    let done = 0;
    for (;;) {
      if (this.stopping) return done;
      const taken = await this.catchUpSome();
      done += taken;
      if (taken < KEYS_PER_TRANSACTION) return done;
    }
  }

  private catchUpSome(): Promise<number> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const { rows: days } = await sql<QueuedDay>`
          delete from rollup_detail_queue where (series_id, day) in (
            select series_id, day from rollup_detail_queue order by series_id, day
            limit ${KEYS_PER_TRANSACTION} for update skip locked)
          returning series_id, day`.execute(trx);
        if (days.length === 0) return 0;
        const ids = days.map((d) => d.series_id);
        const dayNumbers = days.map((d) => d.day);
        const { rows: kept } = await sql<RollupDetailTable>`
          select d.* from rollup_details d
          join unnest(${ids}::bigint[], ${dayNumbers}::integer[]) as k(series_id, day) on d.series_id = k.series_id and d.day = k.day`.execute(
          trx,
        );
        const { rows: counts } = await sql<QueuedDay & { report_count: number }>`
          select r.series_id, r.day, r.report_count from daily_rollups r
          join unnest(${ids}::bigint[], ${dayNumbers}::integer[]) as k(series_id, day) on r.series_id = k.series_id and r.day = k.day`.execute(
          trx,
        );
        const keptOf = new Map(kept.map((row) => [`${row.series_id}/${row.day}`, row]));
        const countOf = new Map(counts.map((row) => [`${row.series_id}/${row.day}`, row.report_count]));
        // Whole days read when no detail is kept: a day begun in a commit has one, so these are rare.
        const after = days.map((d) => keptOf.get(`${d.series_id}/${d.day}`)?.through_at ?? d.day * DAY_MS - 1);
        const reports = await this.reportsAfter(trx, ids, dayNumbers, after);
        const saved: RollupDetailTable[] = [];
        for (const { series_id: seriesId, day } of days) {
          const key = `${seriesId}/${day}`;
          const reportCount = countOf.get(key);
          if (reportCount === undefined) continue; // its bucket was deleted
          const keptRow = keptOf.get(key);
          if (keptRow?.report_count === reportCount) continue;
          const fresh = reports.get(key)?.reports ?? [];
          const detail = catchUpDetail(keptRow && keptDetailSummary(keptRow), fresh, reportCount, this.staleAfterMs);
          const through = fresh[fresh.length - 1];
          if (detail && through) saved.push(detailRow(seriesId, day, through, reportCount, detail));
        }
        await this.save(trx, saved);
        return days.length;
      });
  }

  /** The reports of each (series, day) after its instant, oldest first, by `seriesDayKey`. */
  private async reportsAfter(
    trx: Kysely<Database>,
    ids: number[],
    days: number[],
    after: number[],
  ): Promise<Map<string, { reports: Report[] }>> {
    // One index range per key (lateral), and the span of all of them as constants: the planner can then
    // leave out every day partition outside it. A plain join let it choose, once the partitions held a
    // few days of reports, a parallel scan of every one of them for each batch (737 ms instead of 16 ms
    // on 30 days of 50 nodes; ingest fell to a third while the job ran).
    const from = Math.min(...after);
    const until = (Math.max(...days) + 1) * DAY_MS;
    const { rows } = await sql<{ series_id: number; at: number; status: number; latency_ms: number | null }>`
      select k.series_id, r.at, r.status, r.latency_ms
      from unnest(${ids}::bigint[], ${days}::integer[], ${after}::bigint[]) as k(series_id, day, after)
      cross join lateral (
        select r.at, r.status, r.latency_ms from reports r
        where r.series_id = k.series_id and r.at > k.after and r.at < (k.day + 1) * ${DAY_MS}::bigint
          and r.at > ${from}::bigint and r.at < ${until}::bigint
      ) r
      order by k.series_id, r.at`.execute(trx);
    return groupBySeriesDay(rows.map((row) => ({ seriesId: row.series_id, report: reportFromRow(row) })));
  }

  private async save(trx: Kysely<Database>, rows: RollupDetailTable[]): Promise<void> {
    if (rows.length === 0) return;
    const column = <K extends keyof RollupDetailTable>(key: K) => rows.map((row) => row[key]);
    await sql`
      insert into rollup_details (series_id, day, through_at, through_status, report_count, down_spans, latencies)
      select * from unnest(${column('series_id')}::bigint[], ${column('day')}::integer[], ${column('through_at')}::bigint[],
        ${column('through_status')}::smallint[], ${column('report_count')}::integer[], ${column('down_spans')}::bytea[],
        ${column('latencies')}::bytea[])
      on conflict (series_id, day) do update set through_at = excluded.through_at, through_status = excluded.through_status,
        report_count = excluded.report_count, down_spans = excluded.down_spans, latencies = excluded.latencies`.execute(trx);
  }
}
