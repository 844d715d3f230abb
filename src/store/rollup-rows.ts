import type { Selectable } from 'kysely';
import type { DaySummary } from '../stats/day-summary.js';
import { decodeDownSpans, encodeDownSpans } from '../stats/down-span-bytes.js';
import { LatencySketch } from '../stats/latency-sketch.js';
import type { Report } from '../stats/node-status.js';
import type { DailyRollupTable, ReportTable } from './database-schema.js';
import { statusCode, statusFromCode } from './status-codes.js';

/** better-sqlite3 binds Buffers, not plain Uint8Arrays, as BLOBs; pg takes either as bytea. */
function bytesForDriver(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The rollup row's `DaySummary`, its detail decoded. */
export function summaryFromRow(row: Selectable<DailyRollupTable>): DaySummary {
  return {
    firstAt: row.first_at,
    lastAt: row.last_at,
    lastStatus: statusFromCode(row.last_status),
    lastLatencyMs: row.last_latency_ms,
    innerOnlineMs: row.inner_online_ms,
    latencySum: row.latency_sum,
    latencyCount: row.latency_count,
    reportCount: row.report_count,
    downSpans: row.down_spans && decodeDownSpans(row.down_spans),
    latencies: row.latencies && LatencySketch.decode(row.latencies),
  };
}

/** The rollup row of a `DaySummary`, its detail encoded. */
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
    down_spans: summary.downSpans && bytesForDriver(encodeDownSpans(summary.downSpans)),
    latencies: summary.latencies && bytesForDriver(summary.latencies.encode()),
  };
}

export function reportFromRow(row: Pick<ReportTable, 'at' | 'status' | 'latency_ms'>): Report {
  return { at: row.at, status: statusFromCode(row.status), latencyMs: row.latency_ms };
}
