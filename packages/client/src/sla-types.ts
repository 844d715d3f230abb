/**
 * The body of the period calls (`getBucketReport`, `getBucketReportCsv`,
 * `getBucketReportPdf`, `getBucketIncidents`): the first and the last UTC
 * day, both included, at most 366 days, `to` not after today. A `Date` is
 * sent as its ISO string.
 *
 * @example
 * const request: GetBucketReportRequest = { from: '2026-11-01', to: '2026-11-30' };
 */
export interface GetBucketReportRequest {
  from: Date | string;
  to: Date | string;
}

/**
 * The SLA figures of a node or of the whole bucket over the period
 * (`sla.md`). Times are milliseconds; `perc_uptime_sla` leaves announced
 * maintenance out and is null when all counted time was maintenance.
 *
 * @example
 * const summary: BucketReportSummary = report.bucket;
 * console.log(`${summary.perc_uptime_sla ?? '–'} % availability, ${summary.incidents} incidents`);
 */
export interface BucketReportSummary {
  countedMs: number;
  onlineMs: number;
  maintenanceMs: number;
  perc_uptime: number;
  perc_uptime_sla: number | null;
  downtimeMs: number;
  incidents: number;
}

/**
 * One node's entry of the report: its profile as of the end of its last
 * listed day of the period, and its figures. `daysWithoutDetail` names the
 * listed days whose rollup predates the SLA detail (raw reports dropped
 * since): they are left out of the time figures, and the percentiles are
 * then null.
 *
 * @example
 * const worst = report.nodes.reduce((a: NodeReport, b: NodeReport) => ((a.perc_uptime_sla ?? 100) <= (b.perc_uptime_sla ?? 100) ? a : b));
 */
export interface NodeReport extends BucketReportSummary {
  nodeId: string;
  ip: string;
  host: string;
  region: string;
  version: string;
  listedDays: number;
  longestIncidentMs: number | null;
  avg_latency_ms: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  p99_latency_ms: number | null;
  daysWithoutDetail: string[];
}

/**
 * The answer of `getBucketReport`.
 *
 * @example
 * const { bucket, nodes } = await client.getBucketReport(bucketId, { from: '2026-11-01', to: '2026-11-30' });
 */
export interface GetBucketReportResponse {
  success: boolean;
  bucketId: string;
  from: string;
  to: string;
  bucket: BucketReportSummary;
  nodes: NodeReport[];
}

/**
 * One incident: a stretch of a node's timeline that was not ONLINE, from
 * `start` to `end` (null while it lasts); the figures count up to its end,
 * the end of the period or now.
 *
 * @example
 * const outsideMaintenance = (i: IncidentInfo) => i.durationMs - i.maintenanceMs;
 */
export interface IncidentInfo {
  nodeId: string;
  host: string;
  ip: string;
  start: string;
  end: string | null;
  durationMs: number;
  offlineMs: number;
  disconnectedMs: number;
  maintenanceMs: number;
}

/**
 * The answer of `getBucketIncidents`: newest first.
 *
 * @example
 * const { incidents } = await client.getBucketIncidents(bucketId, { from: '2026-11-01', to: '2026-11-30' });
 */
export interface GetBucketIncidentsResponse {
  success: boolean;
  bucketId: string;
  from: string;
  to: string;
  incidents: IncidentInfo[];
}
