import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireBucketRole } from '../../auth/access.js';
import { bucketRangeStats, MAX_RANGE_DAYS, type RangeDayEntry } from '../../stats/bucket-range-stats.js';
import { dayWindow } from '../../stats/daily-node-stats.js';
import { roundHalfUp2 } from '../../stats/rounding.js';
import type { MinuteLatency } from '../../store/stats-store.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { dayText, requireDaySpan, requireNotAfterToday } from '../day-span-input.js';
import { dayNumberOf } from '../input.js';
import { dailyInfoOf } from '../node-stats-answer.js';
import { errorResponses } from '../schemas/common-schemas.js';
import {
  GetBucketLatencyRequest,
  GetBucketLatencyResponse,
  GetBucketRangeStatsRequest,
  GetBucketRangeStatsResponse,
  type NodeLatencySeries,
} from '../schemas/history-schemas.js';
import { maintenanceOf } from '../../stats/maintenance.js';
import { BucketParams } from '../schemas/stats-schemas.js';

/** An entry of the range answer: the stats call's fields, plus the node's id and region, the latency percentiles and the SLA figures. */
function rangeEntry(e: RangeDayEntry) {
  const { p50, p95, p99 } = e.latencyPercentiles;
  return {
    nodeId: e.nodeId,
    region: e.region,
    ...dailyInfoOf(e),
    p50_latency_ms: p50,
    p95_latency_ms: p95,
    p99_latency_ms: p99,
    maintenanceMs: e.sla?.maintenanceMs ?? null,
    perc_uptime_sla: e.sla?.percUptimeSla ?? null,
  };
}

/** Groups the store's per-minute sums by node, in the store's order (node, then minute). */
function seriesByNode(minutes: readonly MinuteLatency[]): Map<string, Pick<NodeLatencySeries, 'minutes' | 'latencyMs'>> {
  const byNode = new Map<string, Pick<NodeLatencySeries, 'minutes' | 'latencyMs'>>();
  for (const m of minutes) {
    const series = byNode.get(m.nodeId) ?? { minutes: [], latencyMs: [] };
    byNode.set(m.nodeId, series);
    series.minutes.push(m.minute);
    series.latencyMs.push(m.latencyCount > 0 ? roundHalfUp2(m.latencySum / m.latencyCount) : null);
  }
  return byNode;
}

/**
 * What a dashboard draws: a bucket's daily stats over a span of days
 * (`POST /bucket/{bucketId}/stats/range`) and one day's latency per node
 * and minute (`POST /bucket/{bucketId}/latency`).
 */
export const historyRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock, stats }) => {
  app.post(
    '/bucket/:bucketId/stats/range',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Get Bucket Statistics for a span of days',
        description:
          `The daily statistics of every UTC day from \`from\` to \`to\` (both included, at most ${MAX_RANGE_DAYS} days, ` +
          'not after the current UTC day): each day holds exactly the entries `POST /bucket/{bucketId}/stats` answers ' +
          "for it, with each node's id and region and the day's latency percentiles added. Only members of the bucket's workspace may ask.",
        tags: ['stats'],
        params: BucketParams,
        body: GetBucketRangeStatsRequest,
        response: { 200: GetBucketRangeStatsResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const now = clock.now();
      const { fromDay: from, toDay: to } = requireDaySpan(request.body, now);
      const bucketId = request.params.bucketId.toLowerCase();
      await requireBucketRole(store, principalOf(request), bucketId, 'READ');

      const versions = await store.maintenance.versions(bucketId);
      const days = await bucketRangeStats(store.stats, bucketId, from, to, now, stats, (nodeId, start, end) =>
        maintenanceOf(versions, nodeId, start, end),
      );
      return {
        success: true,
        from: dayText(from),
        to: dayText(to),
        days: days.map(({ day, entries }) => ({ day: dayText(day), nodeStats: entries.map(rangeEntry) })),
      };
    },
  );

  app.post(
    '/bucket/:bucketId/latency',
    {
      config: { access: 'user' },
      schema: {
        summary: "Get a day's latency per node and minute",
        description:
          "For one UTC day (up to now for the current day), each node's reports on the bucket grouped by minute: " +
          "the mean latency of each minute's ONLINE reports that measured one, for a latency chart. " +
          "Only members of the bucket's workspace may ask.",
        tags: ['stats'],
        params: BucketParams,
        body: GetBucketLatencyRequest,
        response: { 200: GetBucketLatencyResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const day = dayNumberOf(request.body.day);
      const now = clock.now();
      requireNotAfterToday('day', day, now);
      const bucketId = request.params.bucketId.toLowerCase();
      await requireBucketRole(store, principalOf(request), bucketId, 'READ');

      const window = dayWindow(day, now);
      const byNode = seriesByNode(await store.stats.minuteLatencies(bucketId, window.start, window.end));
      const profiles = (await store.stats.nodeProfiles([...byNode.keys()], window.end)).byNode;
      const nodes: NodeLatencySeries[] = [];
      for (const [nodeId, series] of byNode) {
        const profile = profiles.get(nodeId);
        if (profile) nodes.push({ nodeId, ip: profile.ip, host: profile.host, region: profile.region, ...series });
      }
      nodes.sort((a, b) => compareStrings(a.host, b.host) || compareStrings(a.ip, b.ip) || compareStrings(a.nodeId, b.nodeId));
      return { success: true, day: dayText(day), nodes };
    },
  );
};

// Code-point order, as the stats call orders its entries (stats-semantics.md).
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
