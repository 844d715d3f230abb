import type { ReplayGuard } from './replay-guard.js';
import { ReportWriter, sameSeries, type NewReport } from './report-writer.js';
import type { WriteOps } from '../store/write-ops.js';

/** One caller's reports in a group commit, with its signed request's guard if any. */
export interface GroupBatch {
  reports: readonly NewReport[];
  guard: ReplayGuard | undefined;
  /** Every report or none (an import): a report whose bucket is gone refuses the whole batch. */
  allOrNothing?: boolean;
  /** Reports of the batch that alert rules must look at: stored as alert observations if they are stored. */
  observe?: readonly NewReport[];
}

/** What one group commit did, for settling each batch (plain data: it may come from another thread). */
export interface GroupWrite {
  /** Indexes of the batches whose guard refused them (a replay): they stored nothing. */
  replayed: Set<number>;
  /** Indexes of the all-or-nothing batches with a report for a bucket that is gone: they stored nothing. */
  refused: Set<number>;
  /** Buckets of the group found gone (deleted since the caller looked): none of their reports was stored. */
  goneBuckets: Set<string>;
  /**
   * For each batch, a 1 for each of its reports that was stored: the first of its (node, bucket, at) in the
   * group and new to the store. Flags rather than the reports: they cross from the writer thread as one copy
   * each, instead of every stored report's strings deserialized on the thread that answers requests.
   */
  stored: Uint8Array[];
  /** Buckets where a report became the earliest of its series. */
  timelineMoved: Set<string>;
}

// A group never grows past one full admin import, so one transaction stays bounded (ReportIngest's groups,
// and the SQLite writer thread's run of queued groups).
export const MAX_GROUP_REPORTS = 10_000;

const reportKey = (r: NewReport): string => `${r.bucketId}/${r.nodeId}/${r.at}`;
const sameReport = (a: NewReport, b: NewReport): boolean => a.at === b.at && sameSeries(a, b);

/** The nodes a batch writes for: its signer's and its reports'. */
export const nodesOf = (batch: GroupBatch): Set<string> =>
  new Set([...(batch.guard ? [batch.guard.nodeId] : []), ...batch.reports.map((r) => r.nodeId)]);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The statements of one group commit, inside the caller's transaction:
 * the buckets checked, guards, then each report once (earlier batches win
 * repeats), in one order for every writer.
 */
export async function writeGroup(ops: WriteOps, group: readonly GroupBatch[], staleAfterMs: number): Promise<GroupWrite> {
  const replayed = new Set<number>();
  const nodeIds = new Set(group.flatMap((batch) => [...nodesOf(batch)]));
  await ops.lockNodes([...nodeIds].sort(compare));
  // The callers checked the buckets before, but one may have been deleted since: checked again here, where
  // a deletion cannot come in between, so that no report (nor a new series) outlives its bucket.
  const bucketIds = [...new Set(group.flatMap((batch) => batch.reports.map((r) => r.bucketId)))];
  const existing = bucketIds.length > 0 ? await ops.existingBuckets(bucketIds) : new Set<string>();
  const goneBuckets = new Set(bucketIds.filter((id) => !existing.has(id)));
  const refused = new Set<number>();
  group.forEach((batch, index) => {
    if (batch.allOrNothing && batch.reports.some((r) => goneBuckets.has(r.bucketId))) refused.add(index);
  });
  // Guards next, in node order: a replayed batch contributes nothing to the transaction.
  const guarded = group.flatMap((batch, index) => (batch.guard && !refused.has(index) ? [{ index, guard: batch.guard }] : []));
  guarded.sort((a, b) => compare(a.guard.nodeId, b.guard.nodeId) || a.index - b.index);
  const moved = guarded.length > 0 ? await ops.advanceGuards(guarded.map((g) => g.guard)) : [];
  guarded.forEach(({ index }, i) => {
    if (!moved[i]) replayed.add(index);
  });
  const stored = group.map((batch) => new Uint8Array(batch.reports.length));
  const all: Array<{ report: NewReport; batch: number; index: number }> = [];
  group.forEach((batch, b) => {
    if (replayed.has(b) || refused.has(b)) return;
    batch.reports.forEach((report, index) => {
      if (!goneBuckets.has(report.bucketId)) all.push({ report, batch: b, index });
    });
  });
  // One order for every writer (series, then instant), which the store's statements keep. The sort is
  // stable: of repeats, now side by side, the first is the earliest batch's, and the one kept.
  all.sort(({ report: a }, { report: b }) => compare(a.bucketId, b.bucketId) || compare(a.nodeId, b.nodeId) || a.at - b.at);
  const unique = all.filter(({ report }, i) => i === 0 || !sameReport(report, (all[i - 1] as (typeof all)[number]).report));
  const writer = new ReportWriter(ops, staleAfterMs);
  const inserted = new Set(unique.length > 0 ? await writer.write(unique.map((u) => u.report)) : []);
  for (const { report, batch, index } of unique) if (inserted.has(report)) (stored[batch] as Uint8Array)[index] = 1;
  const observed = group.flatMap((batch, index) => (replayed.has(index) || refused.has(index) ? [] : (batch.observe ?? [])));
  if (observed.length > 0) {
    // In this transaction: a report acknowledged is never without its observation, nor the other way round.
    const storedKeys = new Set([...inserted].map(reportKey));
    await ops.insertAlertObservations(observed.filter((r) => storedKeys.has(reportKey(r))));
  }
  return { replayed, refused, goneBuckets, stored, timelineMoved: writer.timelineMovedBuckets };
}

/**
 * The part of `written` (what the groups `[...first, ...group, ...rest]` did together) that concerns
 * `group`, the `count` batches from `offset`: its own flags and batch indexes. The sets of buckets are the
 * whole run's: a caller reads them for its own reports' buckets only.
 */
export function groupWriteOf(written: GroupWrite, offset: number, count: number): GroupWrite {
  const own = (indexes: Set<number>) =>
    new Set([...indexes].filter((i) => i >= offset && i < offset + count).map((i) => i - offset));
  return {
    replayed: own(written.replayed),
    refused: own(written.refused),
    goneBuckets: written.goneBuckets,
    stored: written.stored.slice(offset, offset + count),
    timelineMoved: written.timelineMoved,
  };
}

/** Runs one group commit in a transaction of its own, and answers what it did. */
export type GroupCommitter = (group: readonly GroupBatch[]) => Promise<GroupWrite>;
