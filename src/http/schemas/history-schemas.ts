import { Type, type Static } from '@sinclair/typebox';
import { Day, Id, Nullable } from './common-schemas.js';
import { BucketNodeStatsDailyInfo } from './stats-schemas.js';

const DayAsked = (description: string) =>
  Day(`${description}: YYYY-MM-DD, or an RFC 3339 date-time whose UTC date is taken (as in the stats call)`);

/** A UTC day as answers give it. */
const DayOut = Type.String({ format: 'date', description: 'A UTC day, YYYY-MM-DD', examples: ['2024-01-15'] });

export const GetBucketRangeStatsRequest = Type.Object(
  { from: DayAsked('The first UTC day'), to: DayAsked('The last UTC day, included; not after the current UTC day') },
  { examples: [{ from: '2024-01-01', to: '2024-01-31' }] },
);
export type GetBucketRangeStatsRequest = Static<typeof GetBucketRangeStatsRequest>;

const LatencyQuantile = (percent: string) =>
  Nullable(
    Type.Number({
      description:
        `The ${percent}th percentile of the day's ONLINE latencies (those of avg_latency_ms), within 1 % (sla.md); ` +
        'null when none was measured, or when the day was rolled up before percentiles were kept and its raw reports are gone',
    }),
  );

/** An entry of the stats call, with the node's id and region, which a dashboard needs to follow a node across days. */
export const BucketNodeStatsRangeInfo = Type.Object({
  nodeId: Id,
  region: Type.String({ description: 'Region of the node as of the end of the day' }),
  ...BucketNodeStatsDailyInfo.properties,
  p50_latency_ms: LatencyQuantile('50'),
  p95_latency_ms: LatencyQuantile('95'),
  p99_latency_ms: LatencyQuantile('99'),
  maintenanceMs: Nullable(
    Type.Integer({
      minimum: 0,
      description:
        "Milliseconds of the day's counted interval inside the bucket's maintenance windows for this node (sla.md); " +
        'null when the day was rolled up before down spans were kept and its raw reports are gone',
    }),
  ),
  perc_uptime_sla: Nullable(
    Type.Number({
      description:
        'perc_uptime with maintenance left out: ONLINE time outside maintenance over the counted time outside maintenance, ' +
        'half-up to 2 decimals; null when maintenance covers the whole day or the day has no down spans kept',
    }),
  ),
});
export type BucketNodeStatsRangeInfo = Static<typeof BucketNodeStatsRangeInfo>;

export const BucketStatsDay = Type.Object({
  day: DayOut,
  nodeStats: Type.Array(BucketNodeStatsRangeInfo, {
    description: "The stats call's answer for this day, entry for entry and in its order",
  }),
});

export const GetBucketRangeStatsResponse = Type.Object(
  {
    success: Type.Boolean(),
    from: DayOut,
    to: DayOut,
    days: Type.Array(BucketStatsDay, { description: 'Every day from `from` to `to`, oldest first' }),
  },
  {
    examples: [
      {
        success: true,
        from: '2024-01-15',
        to: '2024-01-15',
        days: [
          {
            day: '2024-01-15',
            nodeStats: [
              {
                nodeId: '3f2c8a4e-5b1d-4e8f-9a7c-1d2e3f4a5b6c',
                region: 'us-east-1',
                ip: '192.168.1.100',
                host: '*-us-east-1-aws.flashback.tech',
                perc_uptime: 99.5,
                avg_latency_ms: 45,
                version: '1.2.3',
                node_status: 'ONLINE',
                last_updated: '2024-01-15T23:59:00.000Z',
                last_latency_ms: 42,
                p50_latency_ms: 44.1,
                maintenanceMs: 0,
                perc_uptime_sla: 99.5,
                p95_latency_ms: 61.7,
                p99_latency_ms: 80.3,
              },
            ],
          },
        ],
      },
    ],
  },
);
export type GetBucketRangeStatsResponse = Static<typeof GetBucketRangeStatsResponse>;

export const GetBucketLatencyRequest = Type.Object(
  { day: DayAsked('The UTC day to chart') },
  { examples: [{ day: '2024-01-15' }] },
);
export type GetBucketLatencyRequest = Static<typeof GetBucketLatencyRequest>;

export const NodeLatencySeries = Type.Object({
  nodeId: Id,
  ip: Type.String({ description: 'IP address of the node as of the end of the day' }),
  host: Type.String({ description: 'Hostname pattern of the node as of the end of the day' }),
  region: Type.String({ description: 'Region of the node as of the end of the day' }),
  minutes: Type.Array(Type.Integer(), {
    description: 'Start of each minute (epoch milliseconds, ascending) in which the node sent at least one report',
  }),
  latencyMs: Type.Array(Nullable(Type.Number()), {
    description:
      "For each of `minutes`, the mean latency of that minute's ONLINE reports that measured one, " +
      'rounded half-up to 2 decimals; null when none did (the bucket was down or unmeasured)',
  }),
});
export type NodeLatencySeries = Static<typeof NodeLatencySeries>;

export const GetBucketLatencyResponse = Type.Object(
  {
    success: Type.Boolean(),
    day: DayOut,
    nodes: Type.Array(NodeLatencySeries, {
      description: 'Each node that reported on the bucket that day, ordered by host, ip, node id',
    }),
  },
  {
    examples: [
      {
        success: true,
        day: '2024-01-15',
        nodes: [
          {
            nodeId: '3f2c8a4e-5b1d-4e8f-9a7c-1d2e3f4a5b6c',
            ip: '192.168.1.100',
            host: '*-us-east-1-aws.flashback.tech',
            region: 'us-east-1',
            minutes: [1705305600000, 1705305660000, 1705305720000],
            latencyMs: [40, 50, null],
          },
        ],
      },
    ],
  },
);
export type GetBucketLatencyResponse = Static<typeof GetBucketLatencyResponse>;
