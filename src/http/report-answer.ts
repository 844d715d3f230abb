import type { BucketIncident, BucketPeriodReport, NodePeriodReport } from '../stats/bucket-period-report.js';
import type { SlaTimes } from '../stats/period-report.js';
import { formatInstant } from '../time/instant.js';
import { dayText } from './day-span-input.js';
import type { GetBucketIncidentsResponse, GetBucketReportResponse, IncidentInfo, NodeReport } from './schemas/report-schemas.js';

function summaryOf(times: SlaTimes): GetBucketReportResponse['bucket'] {
  return {
    countedMs: times.countedMs,
    onlineMs: times.onlineMs,
    maintenanceMs: times.maintenanceMs,
    perc_uptime: times.percUptime,
    perc_uptime_sla: times.percUptimeSla,
    downtimeMs: times.downtimeMs,
    incidents: times.incidents,
  };
}

/** One node's entry of the report answer, fields in the schema's (and the CSV's) order. */
export function nodeReportOf(node: NodePeriodReport): NodeReport {
  return {
    nodeId: node.nodeId,
    ip: node.ip,
    host: node.host,
    region: node.region,
    version: node.version,
    listedDays: node.listedDays,
    ...summaryOf(node),
    longestIncidentMs: node.longestIncidentMs,
    avg_latency_ms: node.avgLatencyMs,
    p50_latency_ms: node.p50LatencyMs,
    p95_latency_ms: node.p95LatencyMs,
    p99_latency_ms: node.p99LatencyMs,
    daysWithoutDetail: node.daysWithoutDetail.map(dayText),
  };
}

/** The JSON answer of `POST /bucket/{bucketId}/report`. */
export function reportAnswerOf(bucketId: string, report: BucketPeriodReport): GetBucketReportResponse {
  return {
    success: true,
    bucketId,
    from: dayText(report.period.fromDay),
    to: dayText(report.period.toDay),
    bucket: summaryOf(report.bucket),
    nodes: report.nodes.map(nodeReportOf),
  };
}

/** An incident as the incidents call (and the PDF) gives it. */
export function incidentInfoOf(incident: BucketIncident): IncidentInfo {
  return {
    nodeId: incident.nodeId,
    host: incident.host,
    ip: incident.ip,
    start: formatInstant(incident.start),
    end: incident.end === null ? null : formatInstant(incident.end),
    durationMs: incident.durationMs,
    offlineMs: incident.offlineMs,
    disconnectedMs: incident.disconnectedMs,
    maintenanceMs: incident.maintenanceMs,
  };
}

/** The JSON answer of `POST /bucket/{bucketId}/incidents`. */
export function incidentsAnswerOf(bucketId: string, report: BucketPeriodReport): GetBucketIncidentsResponse {
  return {
    success: true,
    bucketId,
    from: dayText(report.period.fromDay),
    to: dayText(report.period.toDay),
    incidents: report.incidents.map(incidentInfoOf),
  };
}
