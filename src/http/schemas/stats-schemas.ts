import { Type, type Static } from '@sinclair/typebox';
import { NODE_STATUSES } from '../../stats/node-status.js';
import { DateTimeOut, Day, Id, Nullable, StringEnum } from './common-schemas.js';

export const NodeStatusType = StringEnum(NODE_STATUSES, { description: "The node's view of the bucket" });

export const BucketParams = Type.Object({ bucketId: Id });

export const GetBucketNodeStatsRequest = Type.Object(
  {
    day: Day('The UTC day asked for: YYYY-MM-DD, or an RFC 3339 date-time whose UTC date is taken', ['2024-01-15T00:00:00.000Z']),
  },
  { examples: [{ day: '2024-01-15T00:00:00.000Z' }] },
);
export type GetBucketNodeStatsRequest = Static<typeof GetBucketNodeStatsRequest>;

export const BucketNodeStatsDailyInfo = Type.Object({
  ip: Type.String({ description: 'IP address of the node' }),
  host: Type.String({ description: 'Hostname pattern for the node' }),
  perc_uptime: Type.Number({ description: 'Percentage of the day (since the first report) the node saw the bucket ONLINE' }),
  avg_latency_ms: Nullable(Type.Number({ description: "Mean latency of the day's ONLINE reports; null when none was measured" })),
  version: Type.String({ description: 'Software version running on the node' }),
  node_status: NodeStatusType,
  last_updated: DateTimeOut,
  last_latency_ms: Nullable(Type.Number({ description: 'Latency of the last report; null when it had none' })),
});
export type BucketNodeStatsDailyInfo = Static<typeof BucketNodeStatsDailyInfo>;

export const GetBucketNodeStatsResponse = Type.Object(
  { success: Type.Boolean(), nodeStats: Type.Array(BucketNodeStatsDailyInfo) },
  {
    examples: [
      {
        success: true,
        nodeStats: [
          {
            ip: '192.168.1.100',
            host: '*-us-east-1-aws.flashback.tech',
            perc_uptime: 99.5,
            avg_latency_ms: 45,
            version: '1.2.3',
            node_status: 'ONLINE',
            last_updated: '2024-01-15T10:30:00.000Z',
            last_latency_ms: 42,
          },
        ],
      },
    ],
  },
);
export type GetBucketNodeStatsResponse = Static<typeof GetBucketNodeStatsResponse>;

export const NodeStatusInfo = Type.Object({
  nodeId: Id,
  ip: Type.String(),
  host: Type.String(),
  region: Type.String(),
  version: Type.String(),
  status: NodeStatusType,
  latencyMs: Nullable(Type.Number()),
  lastUpdated: DateTimeOut,
});
export type NodeStatusInfo = Static<typeof NodeStatusInfo>;

export const StorageBucketStatusResponse = Type.Object({
  success: Type.Boolean(),
  bucketId: Id,
  nodeStatus: Type.Array(NodeStatusInfo),
});
export type StorageBucketStatusResponse = Static<typeof StorageBucketStatusResponse>;
