import { dayOf } from '../time/instant.js';
import { reportKey, type GroupBatch, type GroupCommitter } from './group-write.js';
import { ReplayError, type ReplayGuard } from './replay-guard.js';
import type { NewReport } from './report-writer.js';
import { withRetryOnConflict } from './retry-on-conflict.js';
import type { StoreEvents } from './store-events.js';

export type { NewReport } from './report-writer.js';

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

interface PendingBatch extends GroupBatch {
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
    private readonly commit: GroupCommitter,
    private readonly events: StoreEvents,
  ) {}

  /**
   * Stores reports; a repeated (node, bucket, at), in the store or earlier in
   * the same batch or in a batch queued before it, is counted as a duplicate
   * and changes nothing. Nodes and buckets must exist (the caller checks).
   * With a `guard`, the node's last accepted timestamp moves in the same
   * transaction, and a replay rejects with `ReplayError`, storing nothing.
   * Resolves once the reports are committed.
   *
   * @example
   * await reports.ingest([{ nodeId, bucketId, at: Date.now(), status: 'ONLINE', latencyMs: 42 }])
   */
  ingest(reports: readonly NewReport[], guard?: ReplayGuard): Promise<IngestResult> {
    if (reports.length === 0 && !guard) return Promise.resolve({ accepted: 0, duplicates: 0 });
    return new Promise((resolve, reject) => {
      this.pending.push({ reports, guard, resolve, reject });
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
          await this.commitGroup(group);
        } catch (error) {
          if (group.length === 1) {
            group[0]?.reject(error);
            continue;
          }
          // One batch must not fail the others: retry each alone.
          for (const batch of group) await this.commitGroup([batch]).catch(batch.reject);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private takeGroup(): PendingBatch[] {
    let size = 0;
    let count = 0;
    for (const batch of this.pending) {
      if (count > 0 && size + batch.reports.length > MAX_GROUP_REPORTS) break;
      size += batch.reports.length;
      count++;
    }
    return this.pending.splice(0, count);
  }

  /** Commits several batches in one transaction, then settles each with its own counts (earlier batches win repeats). */
  private async commitGroup(group: PendingBatch[]): Promise<void> {
    const batches = group.map(({ reports, guard }) => ({ reports, guard }));
    const { replayed, owner, inserted, timelineMoved } = await withRetryOnConflict(() => this.commit(batches));
    const accepted = group.map(() => 0);
    const touched = new Map<string, Set<number>>();
    for (const r of inserted) {
      const index = owner.get(reportKey(r)) as number;
      accepted[index] = (accepted[index] ?? 0) + 1;
      touched.set(r.bucketId, (touched.get(r.bucketId) ?? new Set<number>()).add(dayOf(r.at)));
    }
    for (const [bucketId, days] of touched) {
      this.events.emit('reports', bucketId, timelineMoved.has(bucketId) ? 'all' : [...days]);
    }
    const received = group.reduce((sum, batch, i) => sum + (replayed.has(i) ? 0 : batch.reports.length), 0);
    this.events.emit('ingested', inserted.length, received - inserted.length);
    group.forEach((batch, i) => {
      if (replayed.has(i)) batch.reject(new ReplayError());
      else batch.resolve({ accepted: accepted[i] ?? 0, duplicates: batch.reports.length - (accepted[i] ?? 0) });
    });
  }
}
