import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable } from './common-schemas.js';
import { GetBucketRangeStatsRequest } from './history-schemas.js';

/** A UTC day as answers give it. */
const DayOut = Type.String({ format: 'date', description: 'A UTC day, YYYY-MM-DD', examples: ['2024-01-15'] });
const Ms = (description: string) => Type.Integer({ minimum: 0, description: `${description}, in milliseconds` });
const Percent = (description: string) => Type.Number({ minimum: 0, maximum: 100, description });
const Latency = (description: string) => Nullable(Type.Number({ minimum: 0, description }));

/** `{from, to}`, as the range call takes it: at most 366 days, `to` not after the current UTC day. */
export const GetBucketReportRequest = GetBucketRangeStatsRequest;
export type GetBucketReportRequest = Static<typeof GetBucketReportRequest>;

const SlaTimeFields = {
  countedMs: Ms('Time counted: the listed days’ counted intervals (from the first report ever; up to now on the current day)'),
  onlineMs: Ms('Time ONLINE in it'),
  maintenanceMs: Ms('Maintenance time in it'),
  perc_uptime: Percent('100 × onlineMs ÷ countedMs, half-up to 2 decimals; 0 when countedMs is 0'),
  perc_uptime_sla: Nullable(
    Percent('100 × time ONLINE outside maintenance ÷ (countedMs − maintenanceMs), half-up to 2 decimals; null when that is 0'),
  ),
  downtimeMs: Ms('Time not ONLINE and outside maintenance'),
  incidents: Type.Integer({
    minimum: 0,
    description: 'Incidents overlapping the counted time outside maintenance (one wholly inside maintenance is not counted)',
  }),
};

export const BucketReportSummary = Type.Object(SlaTimeFields, {
  description: "The bucket's figures: times and incidents summed over the nodes, percentages of the sums",
});

export const NodeReport = Type.Object({
  nodeId: Id,
  ip: Type.String({ description: 'IP address of the node as of the end of its last listed day of the period' }),
  host: Type.String({ description: 'Hostname pattern of the node, as of the same instant' }),
  region: Type.String({ description: 'Region of the node, as of the same instant' }),
  version: Type.String({ description: 'Software version of the node, as of the same instant' }),
  listedDays: Type.Integer({ minimum: 1, description: 'Days of the period on which the node is listed (as in the daily call)' }),
  ...SlaTimeFields,
  longestIncidentMs: Nullable(Ms('The longest counted incident, clipped to the period; null when none')),
  avg_latency_ms: Latency('Mean latency of the ONLINE reports of the listed days, half-up to 2 decimals; null when none'),
  p50_latency_ms: Latency('Median of the same latencies, within 1 %; null when none, or when a day has no sketch'),
  p95_latency_ms: Latency('95th percentile, within 1 %; null as p50_latency_ms'),
  p99_latency_ms: Latency('99th percentile, within 1 %; null as p50_latency_ms'),
  daysWithoutDetail: Type.Array(DayOut, {
    description:
      'Listed days whose rollup predates the SLA detail and whose raw reports were dropped by retention: ' +
      'their time is left out of every time figure and of the incidents, and the percentiles are null. Usually empty.',
  }),
});
export type NodeReport = Static<typeof NodeReport>;

export const GetBucketReportResponse = Type.Object({
  success: Type.Boolean(),
  bucketId: Id,
  from: DayOut,
  to: DayOut,
  bucket: BucketReportSummary,
  nodes: Type.Array(NodeReport, {
    description: 'One entry per node listed on at least one day of the period, ordered by host, ip, node id',
  }),
});
export type GetBucketReportResponse = Static<typeof GetBucketReportResponse>;

export const CsvReport = Type.String({
  description: 'One line of field names, then one line per node: the fields of `nodes`, days joined by spaces, null as empty',
});
/** The PDF's bytes (sent as they are, never serialized). */
export const PdfReport = Type.Unsafe<Buffer>({
  type: 'string',
  format: 'binary',
  description: 'A one-page PDF: bucket, period, summary, nodes, incidents',
});

export const IncidentInfo = Type.Object({
  nodeId: Id,
  host: Type.String({ description: 'Hostname pattern of the node as of the end of its last listed day of the period' }),
  ip: Type.String({ description: 'IP address of the node, as of the same instant' }),
  start: Type.String({
    format: 'date-time',
    description: 'When the timeline stopped being ONLINE (looked for up to 366 days before the period)',
  }),
  end: Nullable(Type.String({ format: 'date-time', description: 'When it was ONLINE again; null while it still is not' })),
  durationMs: Ms('From start to its end, the end of the period or now, whichever comes first'),
  offlineMs: Ms('Time of durationMs that was OFFLINE'),
  disconnectedMs: Ms('Time of durationMs that was DISCONNECTED'),
  maintenanceMs: Ms('Time of durationMs inside maintenance'),
});
export type IncidentInfo = Static<typeof IncidentInfo>;

export const GetBucketIncidentsResponse = Type.Object({
  success: Type.Boolean(),
  bucketId: Id,
  from: DayOut,
  to: DayOut,
  incidents: Type.Array(IncidentInfo, { description: 'Incidents overlapping the listed days of the period, newest first' }),
});
export type GetBucketIncidentsResponse = Static<typeof GetBucketIncidentsResponse>;
