import type { DaySummary } from '../stats/day-summary.js';
import type { Report } from '../stats/node-status.js';
import { dayOf } from '../time/instant.js';
import type { NodeTimestamp } from './node-last-timestamp.js';

/** A (node, bucket) pair with reports. */
export interface SeriesRow {
  id: number;
  bucketId: string;
  nodeId: string;
  firstAt: number;
}

export interface SeriesReport {
  seriesId: number;
  report: Report;
}

export interface SeriesDayKey {
  seriesId: number;
  day: number;
}

/**
 * The statements of one ingest transaction, batch by batch. The report
 * pipeline (`writeGroup`, `ReportWriter` in src/ingest/) holds the logic; each store runs these the fastest way it can (prepared
 * statements on SQLite, multi-row statements on PostgreSQL).
 */
export interface WriteOps {
  /**
   * Where the store has concurrent writers, locks the nodes (ids sorted by
   * code point) for the transaction: every writer of a node's series, its
   * guard, reports and rollups, holds its node first, so two transactions
   * never work on one series at once, and locks are taken in one order.
   */
  lockNodes(nodeIds: readonly string[]): Promise<void>;
  /**
   * The ids among `bucketIds` whose bucket exists, read in the transaction:
   * a bucket deleted before it began is gone, and one cannot be deleted
   * before it commits (SQLite: one writer; PostgreSQL: a deletion first
   * waits for every transaction that holds nodes, see `BucketStore.delete`).
   */
  existingBuckets(bucketIds: readonly string[]): Promise<Set<string>>;
  /**
   * Moves each node's last accepted timestamp (its replay guard), in the
   * order given (see `advanceLastTimestamp`); answers, guard by guard,
   * false for a replay.
   */
  advanceGuards(guards: readonly NodeTimestamp[]): Promise<boolean[]>;
  /**
   * Finds or creates the series of each pair (a new one starts at `firstAt`).
   * Answers the stored rows as they were before this batch, one per pair, in the order wanted.
   */
  series(wanted: ReadonlyArray<Omit<SeriesRow, 'id'>>): Promise<SeriesRow[]>;
  moveFirstAt(seriesId: number, firstAt: number): Promise<void>;
  /**
   * Inserts reports, skipping repeats of a stored (series, at); answers the new ones: the very objects given,
   * in the order given (the caller pairs them back with its own by identity, not by a key per report).
   */
  insertReports(reports: readonly SeriesReport[]): Promise<SeriesReport[]>;
  /** The stored rollups of `keys`, by `seriesDayKey`: decoded for this call, so the caller may change them. */
  rollups(keys: readonly SeriesDayKey[]): Promise<Map<string, DaySummary>>;
  /** Every stored report of one series on one UTC day. */
  dayReports(key: SeriesDayKey): Promise<Report[]>;
  saveRollups(rows: ReadonlyArray<SeriesDayKey & { summary: DaySummary }>): Promise<void>;
  /** Stores reports that alert rules must look at (`alert_observations`, migration 008). */
  insertAlertObservations(
    reports: ReadonlyArray<{ bucketId: string; nodeId: string; at: number; status: string }>,
  ): Promise<void>;
}

export const seriesDayKey = (key: SeriesDayKey): string => `${key.seriesId}/${key.day}`;

/**
 * Reports grouped by (series, UTC day), keyed by `seriesDayKey`, each group
 * in the order given (sorted input gives sorted groups).
 *
 * @example
 * for (const { seriesId, day, reports } of groupBySeriesDay(inserted).values()) ...
 */
export function groupBySeriesDay(reports: Iterable<SeriesReport>): Map<string, SeriesDayKey & { reports: Report[] }> {
  const groups = new Map<string, SeriesDayKey & { reports: Report[] }>();
  for (const { seriesId, report } of reports) {
    const day = dayOf(report.at);
    const key = seriesDayKey({ seriesId, day });
    const group = groups.get(key) ?? { seriesId, day, reports: [] };
    group.reports.push(report);
    groups.set(key, group);
  }
  return groups;
}

/** Runs `work` in one write transaction of the store, committing when it resolves. */
export type WriteTransaction = <T>(work: (ops: WriteOps) => Promise<T>) => Promise<T>;
