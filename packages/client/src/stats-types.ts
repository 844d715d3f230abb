import type { NodeStatusType } from './enums.js';

/**
 * The body of a stats call: the UTC day asked for. A `Date` is sent as its
 * ISO string; a string may be `YYYY-MM-DD` or an RFC 3339 date-time.
 *
 * @example
 * const request: GetBucketNodeStatsRequest = { day: new Date('2024-01-15T00:00:00Z') };
 */
export interface GetBucketNodeStatsRequest {
  day: Date | string;
}

/**
 * One bridge node's numbers for one bucket and one UTC day. The latencies are
 * `null` when the node measured none (the platform's client types them
 * `number`; this service answers `null` rather than inventing a zero).
 *
 * @example
 * const { ip, perc_uptime, avg_latency_ms } = info; // '192.168.1.100', 99.5, 45
 */
export interface BucketNodeStatsDailyInfo {
  ip: string;
  host: string;
  /** Percentage of the day, from the node's first report, during which it saw the bucket ONLINE. */
  perc_uptime: number;
  avg_latency_ms: number | null;
  version: string;
  node_status: NodeStatusType;
  /** UTC with milliseconds, e.g. `2024-01-15T10:30:00.000Z`. */
  last_updated: string;
  last_latency_ms: number | null;
}

/**
 * The answer of a stats call, one entry per bridge node serving the bucket.
 *
 * @example
 * const { nodeStats } = await client.getBucketNodeStats(bucketId, { day: '2024-01-15' });
 */
export interface GetBucketNodeStatsResponse {
  success: boolean;
  nodeStats: BucketNodeStatsDailyInfo[];
}

/**
 * One bridge node's state for a bucket right now (`latencyMs` is `null`
 * when its last report had no measurement).
 *
 * @example
 * const online = status.nodeStatus.filter((node) => node.status === NodeStatusType.ONLINE);
 */
export interface NodeStatusInfo {
  nodeId: string;
  ip: string;
  host: string;
  region: string;
  version: string;
  status: NodeStatusType;
  latencyMs: number | null;
  lastUpdated: string;
}

/**
 * The nodes' state of a bucket now.
 *
 * @example
 * const { nodeStatus } = await client.getStorageBucketStatus(bucketId);
 */
export interface StorageBucketStatusResponse {
  success: boolean;
  bucketId: string;
  nodeStatus: NodeStatusInfo[];
}
