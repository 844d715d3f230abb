import type { Selectable } from 'kysely';
import type { DaySummary } from '../stats/day-summary.js';
import type { Report } from '../stats/node-status.js';
import type { DailyRollupTable, ReportTable } from './database-schema.js';
import { statusCode, statusFromCode } from './status-codes.js';

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
    downSpans: null,
    latencies: null,
  };
}

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

export function reportFromRow(row: Pick<ReportTable, 'at' | 'status' | 'latency_ms'>): Report {
  return { at: row.at, status: statusFromCode(row.status), latencyMs: row.latency_ms };
}
