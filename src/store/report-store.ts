import type { Kysely, Transaction } from 'kysely';
import { appendReport, summarizeDay, type DaySummary } from '../stats/day-summary.js';
import type { NodeStatus, Report } from '../stats/node-status.js';
import { DAY_MS, dayOf } from '../time/instant.js';
import type { Database } from './database-schema.js';
import { isPostgres } from './dialect.js';
import { reportFromRow, rowFromSummary, summaryFromRow } from './rollup-rows.js';
import { statusCode } from './status-codes.js';
import { withRetryOnConflict } from './retry-on-conflict.js';
import type { StoreEvents } from './store-events.js';

/** A report as it enters the store. */
export interface NewReport {
  nodeId: string;
  bucketId: string;
  at: number;
  status: NodeStatus;
  latencyMs: number | null;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

// Keeps every statement under SQLite's and PostgreSQL's bound-parameter limits.
const ROWS_PER_STATEMENT = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const pairKey = (bucketId: string, nodeId: string): string => `${bucketId}/${nodeId}`;
const reportKey = (r: NewReport): string => `${r.bucketId}/${r.nodeId}/${r.at}`;

interface PendingBatch {
  reports: readonly NewReport[];
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

// A group never grows past one full admin import, so one transaction stays bounded.
const MAX_GROUP_REPORTS = 10_000;

/**
 * Writes reports and keeps the daily rollups in step, in one transaction:
 * an acknowledged batch is stored whole, with its rollups, or not at all.
 *
 * Batches that arrive while a transaction is running wait and then share
 * the next one (group commit): one durable commit serves many requests.
 */
export class ReportStore {
  private readonly pending: PendingBatch[] = [];
  private draining = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly staleAfterMs: number,
    private readonly events: StoreEvents,
  ) {}

  /**
   * Stores reports; a repeated (node, bucket, at), in the store or earlier in
   * the same batch or in a batch queued before it, is counted as a duplicate
   * and changes nothing. Nodes and buckets must exist (the caller checks).
   * Resolves once the reports are committed.
   *
   * @example
   * await reports.ingest([{ nodeId, bucketId, at: Date.now(), status: 'ONLINE', latencyMs: 42 }])
   */
  ingest(reports: readonly NewReport[]): Promise<IngestResult> {
    if (reports.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
    return new Promise((resolve, reject) => {
      this.pending.push({ reports, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const group = this.takeGroup();
        try {
          const results = await this.commitGroup(group.map((b) => b.reports));
          group.forEach((batch, i) => batch.resolve(results[i] as IngestResult));
        } catch (error) {
          if (group.length === 1) {
            group[0]?.reject(error);
            continue;
          }
          // One batch must not fail the others: retry each alone.
          for (const batch of group) {
            await this.commitGroup([batch.reports]).then(([result]) => batch.resolve(result as IngestResult), batch.reject);
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private takeGroup(): PendingBatch[] {
    let size = 0;
    let count = 0;
    while (
      count < this.pending.length &&
      (count === 0 || size + (this.pending[count] as PendingBatch).reports.length <= MAX_GROUP_REPORTS)
    ) {
      size += (this.pending[count] as PendingBatch).reports.length;
      count++;
    }
    return this.pending.splice(0, count);
  }

  /** Commits several batches in one transaction; each gets its own counts, earlier batches winning repeats. */
  private async commitGroup(batches: ReadonlyArray<readonly NewReport[]>): Promise<IngestResult[]> {
    const owner = new Map<string, number>();
    const unique: NewReport[] = [];
    batches.forEach((reports, index) => {
      for (const r of reports) {
        const key = reportKey(r);
        if (owner.has(key)) continue;
        owner.set(key, index);
        unique.push(r);
      }
    });
    // One order for every writer, so that concurrent PostgreSQL transactions
    // take their locks in the same sequence.
    unique.sort((a, b) => compare(a.bucketId, b.bucketId) || compare(a.nodeId, b.nodeId) || a.at - b.at);
    const inserted = await withRetryOnConflict(() => this.db.transaction().execute((trx) => this.ingestSorted(trx, unique)));

    const accepted = batches.map(() => 0);
    const touched = new Map<string, Set<number>>();
    for (const r of inserted) {
      const index = owner.get(reportKey(r)) as number;
      accepted[index] = (accepted[index] ?? 0) + 1;
      const days = touched.get(r.bucketId) ?? new Set<number>();
      days.add(dayOf(r.at));
      touched.set(r.bucketId, days);
    }
    for (const [bucketId, days] of touched) this.events.emit('reports', bucketId, [...days]);
    return batches.map((reports, i) => ({ accepted: accepted[i] ?? 0, duplicates: reports.length - (accepted[i] ?? 0) }));
  }

  /** Stores reports sorted by (bucket, node, at) without repeats; returns those that were new. */
  private async ingestSorted(trx: Transaction<Database>, reports: NewReport[]): Promise<NewReport[]> {
    const seriesIds = await this.lockSeries(trx, reports);
    const bySeriesAt = new Map<string, NewReport>();
    const inserted: Array<{ seriesId: number; report: Report }> = [];
    for (const chunk of chunks(reports, ROWS_PER_STATEMENT)) {
      const rows = chunk.map((r) => {
        const seriesId = seriesIds.get(pairKey(r.bucketId, r.nodeId)) as number;
        bySeriesAt.set(`${seriesId}/${r.at}`, r);
        return { series_id: seriesId, at: r.at, status: statusCode(r.status), latency_ms: r.latencyMs };
      });
      const stored = await trx
        .insertInto('reports')
        .values(rows)
        .onConflict((oc) => oc.columns(['series_id', 'at']).doNothing())
        .returning(['series_id', 'at', 'status', 'latency_ms'])
        .execute();
      for (const row of stored) inserted.push({ seriesId: row.series_id, report: reportFromRow(row) });
    }
    await this.updateRollups(trx, inserted);
    return inserted.map(({ seriesId, report }) => bySeriesAt.get(`${seriesId}/${report.at}`) as NewReport);
  }

  /**
   * Finds or creates the series of every (node, bucket) in the batch, moves
   * their `first_at` back when the batch holds an earlier report, and on
   * PostgreSQL locks them, which serializes rollup updates per series.
   */
  private async lockSeries(trx: Transaction<Database>, reports: NewReport[]): Promise<Map<string, number>> {
    const earliest = new Map<string, NewReport>();
    for (const r of reports) {
      const key = pairKey(r.bucketId, r.nodeId);
      const seen = earliest.get(key);
      if (!seen || r.at < seen.at) earliest.set(key, r);
    }
    const wanted = [...earliest.values()];
    await trx
      .insertInto('series')
      .values(wanted.map((r) => ({ node_id: r.nodeId, bucket_id: r.bucketId, first_at: r.at })))
      .onConflict((oc) => oc.columns(['bucket_id', 'node_id']).doNothing())
      .execute();
    let query = trx
      .selectFrom('series')
      .select(['id', 'node_id', 'bucket_id', 'first_at'])
      .where('bucket_id', 'in', [...new Set(wanted.map((r) => r.bucketId))])
      .where('node_id', 'in', [...new Set(wanted.map((r) => r.nodeId))])
      .orderBy('id');
    if (isPostgres(trx)) query = query.forUpdate();
    const ids = new Map<string, number>();
    for (const row of await query.execute()) {
      const first = earliest.get(pairKey(row.bucket_id, row.node_id));
      if (!first) continue;
      ids.set(pairKey(row.bucket_id, row.node_id), row.id);
      if (first.at < row.first_at) {
        await trx.updateTable('series').set({ first_at: first.at }).where('id', '=', row.id).execute();
      }
    }
    return ids;
  }

  private async updateRollups(trx: Transaction<Database>, inserted: Array<{ seriesId: number; report: Report }>): Promise<void> {
    const groups = new Map<string, { seriesId: number; day: number; reports: Report[] }>();
    for (const { seriesId, report } of inserted) {
      const day = dayOf(report.at);
      const key = `${seriesId}/${day}`;
      const group = groups.get(key) ?? { seriesId, day, reports: [] };
      group.reports.push(report);
      groups.set(key, group);
    }
    if (groups.size === 0) return;
    const existing = new Map<string, DaySummary>();
    for (const chunk of chunks([...groups.values()], ROWS_PER_STATEMENT)) {
      const rows = await trx
        .selectFrom('daily_rollups')
        .selectAll()
        .where('series_id', 'in', [...new Set(chunk.map((g) => g.seriesId))])
        .where('day', 'in', [...new Set(chunk.map((g) => g.day))])
        .execute();
      for (const row of rows) existing.set(`${row.series_id}/${row.day}`, summaryFromRow(row));
    }
    const updated = [];
    for (const [key, group] of groups) {
      const summary = await this.nextSummary(trx, group, existing.get(key));
      updated.push(rowFromSummary(group.seriesId, group.day, summary));
    }
    for (const chunk of chunks(updated, ROWS_PER_STATEMENT / 2)) {
      await trx
        .insertInto('daily_rollups')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['series_id', 'day']).doUpdateSet((eb) => ({
            first_at: eb.ref('excluded.first_at'),
            last_at: eb.ref('excluded.last_at'),
            last_status: eb.ref('excluded.last_status'),
            last_latency_ms: eb.ref('excluded.last_latency_ms'),
            inner_online_ms: eb.ref('excluded.inner_online_ms'),
            latency_sum: eb.ref('excluded.latency_sum'),
            latency_count: eb.ref('excluded.latency_count'),
            report_count: eb.ref('excluded.report_count'),
          })),
        )
        .execute();
    }
  }

  /** Appends in-order reports; a report older than the day's last one makes the day be recomputed. */
  private async nextSummary(
    trx: Transaction<Database>,
    group: { seriesId: number; day: number; reports: Report[] },
    current: DaySummary | undefined,
  ): Promise<DaySummary> {
    const fresh = group.reports; // sorted by `at`, as the whole batch is
    if (!current) return summarizeDay(fresh, this.staleAfterMs) as DaySummary;
    if ((fresh[0] as Report).at > current.lastAt) {
      return fresh.reduce((summary, r) => appendReport(summary, r, this.staleAfterMs), current);
    }
    const all = await trx
      .selectFrom('reports')
      .select(['at', 'status', 'latency_ms'])
      .where('series_id', '=', group.seriesId)
      .where('at', '>=', group.day * DAY_MS)
      .where('at', '<', (group.day + 1) * DAY_MS)
      .execute();
    return summarizeDay(all.map(reportFromRow), this.staleAfterMs) as DaySummary;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
