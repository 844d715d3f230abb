import type { Selectable } from 'kysely';
import { lastReportOf, type DaySummary } from '../stats/day-summary.js';
import type { DayDetail } from '../stats/detail-catch-up.js';
import { decodeDownSpans, encodeDownSpans } from '../stats/down-span-bytes.js';
import { LatencySketch } from '../stats/latency-sketch.js';
import type { Report } from '../stats/node-status.js';
import type { DailyRollupTable, ReportTable, RollupDetailTable } from './database-schema.js';
import { statusCode, statusFromCode } from './status-codes.js';

/** better-sqlite3 binds Buffers, not plain Uint8Arrays, as BLOBs; pg takes either as bytea. */
function bytesForDriver(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The rollup row's `DaySummary`, with the detail of `detail` where that
 * holds all the day's reports; else the detail is null (see `catchUpDetail`).
 */
export function summaryFromRow(row: Selectable<DailyRollupTable>, detail?: Selectable<RollupDetailTable>): DaySummary {
  const known = detail !== undefined && detail.report_count === row.report_count ? detailFromRow(detail) : undefined;
  return {
    firstAt: row.first_at,
    lastAt: row.last_at,
    lastStatus: statusFromCode(row.last_status),
    lastLatencyMs: row.last_latency_ms,
    innerOnlineMs: row.inner_online_ms,
    latencySum: row.latency_sum,
    latencyCount: row.latency_count,
    reportCount: row.report_count,
    downSpans: known?.downSpans ?? null,
    latencies: known?.latencies ?? null,
  };
}

/** The detail a detail row holds (as far as its `through_at`). */
export function detailFromRow(row: Pick<RollupDetailTable, 'down_spans' | 'latencies'>): DayDetail {
  return { downSpans: decodeDownSpans(row.down_spans), latencies: LatencySketch.decode(row.latencies) };
}

/** The rollup row of a `DaySummary` (its detail goes to `detailRowFromSummary`). */
export function rowFromSummary(seriesId: number, day: number, summary: DaySummary): DailyRollupTable {
  return {
    series_id: seriesId,
    day,
    first_at: summary.firstAt,
    last_at: summary.lastAt,
    last_status: statusCode(summary.lastStatus),
    last_latency_ms: summary.lastLatencyMs,
    inner_online_ms: summary.innerOnlineMs,
    latency_sum: summary.latencySum,
    latency_count: summary.latencyCount,
    report_count: summary.reportCount,
  };
}

/** The detail row of a day's first `reportCount` reports, the last of them `through`. */
export function detailRow(
  seriesId: number,
  day: number,
  through: Report,
  reportCount: number,
  detail: DayDetail,
): RollupDetailTable {
  return {
    series_id: seriesId,
    day,
    through_at: through.at,
    through_status: statusCode(through.status),
    report_count: reportCount,
    down_spans: bytesForDriver(encodeDownSpans(detail.downSpans)),
    latencies: bytesForDriver(detail.latencies.encode()),
  };
}

/** The detail row of a `DaySummary`, through its last report; none when its detail is not known. */
export function detailRowFromSummary(seriesId: number, day: number, summary: DaySummary): RollupDetailTable | undefined {
  const { downSpans, latencies } = summary;
  if (!downSpans || !latencies) return undefined;
  return detailRow(seriesId, day, lastReportOf(summary), summary.reportCount, { downSpans, latencies });
}

/**
 * A detail row as a summary to append the day's later reports to
 * (`catchUpDetail`): its last report, count and detail are right, its
 * other figures are not used.
 */
export function keptDetailSummary(row: Selectable<RollupDetailTable>): DaySummary {
  return {
    firstAt: row.through_at,
    lastAt: row.through_at,
    lastStatus: statusFromCode(row.through_status),
    lastLatencyMs: null,
    innerOnlineMs: 0,
    latencySum: 0,
    latencyCount: 0,
    reportCount: row.report_count,
    ...detailFromRow(row),
  };
}

export function reportFromRow(row: Pick<ReportTable, 'at' | 'status' | 'latency_ms'>): Report {
  return { at: row.at, status: statusFromCode(row.status), latencyMs: row.latency_ms };
}
