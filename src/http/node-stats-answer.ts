import type { NodeDayEntry } from '../stats/bucket-day-stats.js';
import { formatInstant } from '../time/instant.js';
import type { BucketNodeStatsDailyInfo } from './schemas/stats-schemas.js';

/**
 * One node's entry of a daily answer as the seed publishes it, from the
 * engine's entry: the one place that maps the engine's names to the wire's.
 *
 * @example
 * nodeStats: entries.map(dailyInfoOf)
 */
export function dailyInfoOf(entry: NodeDayEntry): BucketNodeStatsDailyInfo {
  return {
    ip: entry.ip,
    host: entry.host,
    perc_uptime: entry.percUptime,
    avg_latency_ms: entry.avgLatencyMs,
    version: entry.version,
    node_status: entry.nodeStatus,
    last_updated: formatInstant(entry.lastUpdated),
    last_latency_ms: entry.lastLatencyMs,
  };
}
