import type { BucketNodeStatsDailyInfo } from './stats-types.js';

/**
 * The body of `getBucketRangeStats`: the first and the last UTC day, both
 * included; `to` not after today. A `Date` is sent as its ISO string; a
 * string may be `YYYY-MM-DD` or an RFC 3339 date-time.
 *
 * @example
 * const request: GetBucketRangeStatsRequest = { from: '2024-01-01', to: '2024-01-31' };
 */
export interface GetBucketRangeStatsRequest {
  from: Date | string;
  to: Date | string;
}

/**
 * An entry of the stats call with the node's id and region, which a
 * dashboard needs to follow a node across days.
 *
 * @example
 * const nodeIds = new Set(days.flatMap((d) => d.nodeStats.map((entry: BucketNodeStatsRangeInfo) => entry.nodeId)));
 */
export interface BucketNodeStatsRangeInfo extends BucketNodeStatsDailyInfo {
  nodeId: string;
  /** The node's region as of the end of the day. */
  region: string;
  /**
   * Percentiles of the day's ONLINE latencies (those of `avg_latency_ms`), within 1 %;
   * null when none was measured, or the day was rolled up before percentiles were kept
   * and its raw reports are gone.
   */
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  p99_latency_ms: number | null;
}

/**
 * One day of a range: the stats call's answer for that day, entry for entry.
 *
 * @example
 * const today = answer.days.at(-1); // { day: '2024-01-31', nodeStats: [...] }
 */
export interface BucketStatsDay {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  nodeStats: BucketNodeStatsRangeInfo[];
}

/**
 * The answer of `getBucketRangeStats`: every day from `from` to `to`, oldest first.
 *
 * @example
 * const { days } = await client.getBucketRangeStats(bucketId, { from: '2024-01-01', to: '2024-01-31' });
 */
export interface GetBucketRangeStatsResponse {
  success: boolean;
  from: string;
  to: string;
  days: BucketStatsDay[];
}

/**
 * The body of `getBucketLatency`: the UTC day to chart.
 *
 * @example
 * const request: GetBucketLatencyRequest = { day: '2024-01-15' };
 */
export interface GetBucketLatencyRequest {
  day: Date | string;
}

/**
 * One node's latency through a day, minute by minute: `latencyMs[i]` is the
 * mean of minute `minutes[i]` (epoch milliseconds), `null` when no ONLINE
 * report of that minute measured one.
 *
 * @example
 * const points = series.minutes.map((minute, i) => [minute, series.latencyMs[i]]);
 */
export interface NodeLatencySeries {
  nodeId: string;
  ip: string;
  host: string;
  region: string;
  minutes: number[];
  latencyMs: Array<number | null>;
}

/**
 * The answer of `getBucketLatency`: each node that reported on the bucket
 * that day, ordered by host, ip and node id.
 *
 * @example
 * const { nodes } = await client.getBucketLatency(bucketId, { day: '2024-01-15' });
 */
export interface GetBucketLatencyResponse {
  success: boolean;
  day: string;
  nodes: NodeLatencySeries[];
}
