import { sql, type Selectable, type Transaction } from 'kysely';
import type { DaySummary } from '../../stats/day-summary.js';
import type { Report } from '../../stats/node-status.js';
import { DAY_MS } from '../../time/instant.js';
import type { DailyRollupTable, Database, RollupDetailTable } from '../database-schema.js';
import { advanceLastTimestamp, type NodeTimestamp } from '../node-last-timestamp.js';
import { detailRowFromSummary, reportFromRow, rowFromSummary, summaryFromRow } from '../rollup-rows.js';
import { statusCode } from '../status-codes.js';
import { seriesDayKey, type SeriesDayKey, type SeriesReport, type SeriesRow, type WriteOps } from '../write-ops.js';

const pairKey = (bucketId: string, nodeId: string): string => `${bucketId}/${nodeId}`;

/**
 * The ingest statements on PostgreSQL. The busy ones (guards, series,
 * reports, rollups) send each column as one array parameter and
 * `unnest` it: one statement and one round trip for a whole group commit,
 * whatever its size, and nothing for Kysely to compile row by row.
 *
 * Concurrent transactions (several instances) are kept apart by node:
 * each locks the rows of the nodes in its group first, in one order
 * (`lockNodes`). A series belongs to one node, so its reports and rollups
 * are written by one transaction at a time, while the group's thousands of
 * series rows are read without a lock (a row lock writes the row).
 *
 * @example
 * await db.transaction().execute((trx) => new PostgresWriteOps(trx).insertReports(rows));
 */
export class PostgresWriteOps implements WriteOps {
  constructor(private readonly trx: Transaction<Database>) {}

  async lockNodes(nodeIds: readonly string[]): Promise<void> {
    // The order writeGroup sorted them in (code points, as "C" compares): a lock statement takes its rows in
    // the order its plan meets them. NO KEY UPDATE leaves the foreign key checks of new series free.
    await sql`select id from nodes where id = any(${nodeIds}::text[]) order by id collate "C" for no key update`.execute(
      this.trx,
    );
  }

  async existingBuckets(bucketIds: readonly string[]): Promise<Set<string>> {
    const { rows } = await sql<{ id: string }>`select id from buckets where id = any(${bucketIds}::text[])`.execute(this.trx);
    return new Set(rows.map((r) => r.id));
  }

  async advanceGuards(guards: readonly NodeTimestamp[]): Promise<boolean[]> {
    const nodeIds = guards.map((g) => g.nodeId);
    if (new Set(nodeIds).size < guards.length) {
      // A node twice in one group: its guards must move one after the other.
      const moved: boolean[] = [];
      for (const guard of guards) moved.push(await advanceLastTimestamp(this.trx, guard));
      return moved;
    }
    // The rows are already locked (lockNodes), so the order this UPDATE meets them in does not matter.
    const { rows } = await sql<{ id: string }>`
      update nodes set last_timestamp = g.timestamp
      from unnest(${nodeIds}::text[], ${guards.map((g) => g.timestamp)}::bigint[]) as g(id, timestamp)
      where nodes.id = g.id and (nodes.last_timestamp is null or nodes.last_timestamp < g.timestamp)
      returning nodes.id`.execute(this.trx);
    const moved = new Set(rows.map((r) => r.id));
    return guards.map((g) => moved.has(g.nodeId));
  }

  async series(wanted: ReadonlyArray<Omit<SeriesRow, 'id'>>): Promise<SeriesRow[]> {
    const found = await this.findSeries(wanted);
    const missing = wanted.filter((w) => !found.has(pairKey(w.bucketId, w.nodeId)));
    if (missing.length > 0) {
      await sql`
        insert into series (bucket_id, node_id, first_at)
        select * from unnest(${missing.map((w) => w.bucketId)}::text[], ${missing.map((w) => w.nodeId)}::text[],
          ${missing.map((w) => w.firstAt)}::bigint[])
        on conflict (bucket_id, node_id) do nothing`.execute(this.trx);
      for (const [key, row] of await this.findSeries(missing)) found.set(key, row);
    }
    return wanted.map((w) => {
      const row = found.get(pairKey(w.bucketId, w.nodeId));
      if (!row) throw new Error(`the series of node ${w.nodeId} in bucket ${w.bucketId} was neither found nor created`);
      return row;
    });
  }

  private async findSeries(wanted: ReadonlyArray<Omit<SeriesRow, 'id'>>): Promise<Map<string, SeriesRow>> {
    const { rows } = await sql<{ id: number; bucket_id: string; node_id: string; first_at: number }>`
      select s.id, s.bucket_id, s.node_id, s.first_at
      from series s
      join unnest(${wanted.map((w) => w.bucketId)}::text[], ${wanted.map((w) => w.nodeId)}::text[]) as w(bucket_id, node_id)
        on s.bucket_id = w.bucket_id and s.node_id = w.node_id`.execute(this.trx);
    return new Map(
      rows.map((r) => [
        pairKey(r.bucket_id, r.node_id),
        { id: r.id, bucketId: r.bucket_id, nodeId: r.node_id, firstAt: r.first_at },
      ]),
    );
  }

  async moveFirstAt(seriesId: number, firstAt: number): Promise<void> {
    await this.trx.updateTable('series').set({ first_at: firstAt }).where('id', '=', seriesId).execute();
  }

  async insertAlertObservations(
    reports: ReadonlyArray<{ bucketId: string; nodeId: string; at: number; status: string }>,
  ): Promise<void> {
    if (reports.length === 0) return;
    await this.trx
      .insertInto('alert_observations')
      .values(reports.map((r) => ({ bucket_id: r.bucketId, node_id: r.nodeId, at: r.at, status: r.status })))
      .execute();
  }

  async insertReports(reports: readonly SeriesReport[]): Promise<SeriesReport[]> {
    if (reports.length === 0) return [];
    const { rows } = await sql<{ series_id: number; at: number }>`
      insert into reports (series_id, at, status, latency_ms)
      select * from unnest(${reports.map((r) => r.seriesId)}::bigint[], ${reports.map((r) => r.report.at)}::bigint[],
        ${reports.map((r) => statusCode(r.report.status))}::smallint[], ${reports.map((r) => r.report.latencyMs)}::double precision[])
      on conflict (series_id, at) do nothing
      returning series_id, at`.execute(this.trx);
    // RETURNING promises no order: the given rows, in theirs, that were inserted.
    const inserted = new Set(rows.map((row) => `${row.series_id}/${row.at}`));
    return reports.filter((r) => inserted.has(`${r.seriesId}/${r.report.at}`));
  }

  async rollups(keys: readonly SeriesDayKey[]): Promise<Map<string, DaySummary>> {
    // The rollup rows alone: an append leaves the detail to `PostgresDetailCatchUp` (see `saveRollups`).
    const { rows } = await sql<Selectable<DailyRollupTable>>`
      select r.* from daily_rollups r
      join unnest(${keys.map((k) => k.seriesId)}::bigint[], ${keys.map((k) => k.day)}::integer[]) as k(series_id, day)
        on r.series_id = k.series_id and r.day = k.day`.execute(this.trx);
    return new Map(rows.map((row) => [seriesDayKey({ seriesId: row.series_id, day: row.day }), summaryFromRow(row)]));
  }

  async dayReports({ seriesId, day }: SeriesDayKey): Promise<Report[]> {
    const rows = await this.trx
      .selectFrom('reports')
      .select(['at', 'status', 'latency_ms'])
      .where('series_id', '=', seriesId)
      .where('at', '>=', day * DAY_MS)
      .where('at', '<', (day + 1) * DAY_MS)
      .execute();
    return rows.map(reportFromRow);
  }

  async saveRollups(rows: ReadonlyArray<SeriesDayKey & { summary: DaySummary }>): Promise<void> {
    if (rows.length === 0) return;
    const saved = rows.map((r) => rowFromSummary(r.seriesId, r.day, r.summary));
    const column = <K extends keyof DailyRollupTable>(key: K) => saved.map((row) => row[key]);
    // The detail where the summary has it whole (a day recomputed or begun in this commit); the days
    // appended to are listed for `PostgresDetailCatchUp` instead, which catches each up once every few seconds.
    const details = rows.flatMap((r) => detailRowFromSummary(r.seriesId, r.day, r.summary) ?? []);
    const behind = rows.filter((r) => r.summary.downSpans === null || r.summary.latencies === null);
    const detailColumn = <K extends keyof RollupDetailTable>(key: K) => details.map((row) => row[key]);
    // One statement for the whole group commit, each column one array parameter; the detail rows and the
    // listing in data-modifying WITHs of it (one round trip).
    const saveDetails = sql`with detail as (
        insert into rollup_details (series_id, day, through_at, through_status, report_count, down_spans, latencies)
        select * from unnest(${detailColumn('series_id')}::bigint[], ${detailColumn('day')}::integer[],
          ${detailColumn('through_at')}::bigint[], ${detailColumn('through_status')}::smallint[],
          ${detailColumn('report_count')}::integer[], ${detailColumn('down_spans')}::bytea[], ${detailColumn('latencies')}::bytea[])
        on conflict (series_id, day) do update set through_at = excluded.through_at,
          through_status = excluded.through_status, report_count = excluded.report_count,
          down_spans = excluded.down_spans, latencies = excluded.latencies
      ), queued as (
        insert into rollup_detail_queue (series_id, day)
        select * from unnest(${behind.map((r) => r.seriesId)}::bigint[], ${behind.map((r) => r.day)}::integer[])
        on conflict do nothing
      )`;
    await sql`${saveDetails}
      insert into daily_rollups (series_id, day, first_at, last_at, last_status, last_latency_ms, inner_online_ms,
        latency_sum, latency_count, report_count)
      select * from unnest(${column('series_id')}::bigint[], ${column('day')}::integer[], ${column('first_at')}::bigint[],
        ${column('last_at')}::bigint[], ${column('last_status')}::smallint[], ${column('last_latency_ms')}::double precision[],
        ${column('inner_online_ms')}::bigint[], ${column('latency_sum')}::double precision[], ${column('latency_count')}::integer[],
        ${column('report_count')}::integer[])
      on conflict (series_id, day) do update set
        first_at = excluded.first_at, last_at = excluded.last_at, last_status = excluded.last_status,
        last_latency_ms = excluded.last_latency_ms, inner_online_ms = excluded.inner_online_ms,
        latency_sum = excluded.latency_sum, latency_count = excluded.latency_count, report_count = excluded.report_count`.execute(
      this.trx,
    );
  }
}
