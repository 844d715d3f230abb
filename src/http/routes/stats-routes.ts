import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { keptBucketAccess, requireBucketRole } from '../../auth/access.js';
import { bucketDayAnswer, bucketDayStats } from '../../stats/bucket-day-stats.js';
import { DAY_MS, dayOf, formatInstant } from '../../time/instant.js';
import { ApiError } from '../api-error.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { dayNumberOf } from '../input.js';
import { dailyInfoOf } from '../node-stats-answer.js';
import { errorResponses } from '../schemas/common-schemas.js';
import {
  BucketParams,
  GetBucketNodeStatsRequest,
  GetBucketNodeStatsResponse,
  StorageBucketStatusResponse,
} from '../schemas/stats-schemas.js';

// A Buffer body skips Fastify's serializer: it is already the schema's JSON.
function sendSerialized(reply: FastifyReply, body: Buffer): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(body);
}

/** `POST /bucket/{bucketId}/stats` (the product) and `GET /bucket/{bucketId}/status`. */
export const statsRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock, stats, answers }) => {
  app.post(
    '/bucket/:bucketId/stats',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Get Bucket Daily Statistics',
        description:
          'Daily performance statistics of a bucket for one UTC day: per bridge node, uptime percentage, latency and status. ' +
          "Only members of the bucket's workspace may ask.",
        tags: ['stats'],
        params: BucketParams,
        body: GetBucketNodeStatsRequest,
        response: { 200: GetBucketNodeStatsResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    // Not async: a kept answer to a caller whose access was read recently is sent without a promise.
    (request, reply) => {
      const day = dayNumberOf(request.body.day);
      const now = clock.now();
      if (day > dayOf(now))
        throw ApiError.badRequest(`day ${formatInstant(day * DAY_MS).slice(0, 10)} is after the current UTC day`);
      const bucketId = request.params.bucketId.toLowerCase();
      const principal = principalOf(request);
      const kept = keptBucketAccess(store, principal, bucketId, 'READ') && answers.kept(bucketId, day, now);
      if (kept) {
        sendSerialized(reply, kept);
        return;
      }
      return (async () => {
        await requireBucketRole(store, principal, bucketId, 'READ');
        const body = await answers.answer(bucketId, day, now, async () => {
          const { entries, validUntil } = await bucketDayAnswer(store.stats, bucketId, day, now, stats, {
            lookAheadMs: answers.lookAheadMs,
          });
          const serialized = reply.serialize({ success: true, nodeStats: entries.map(dailyInfoOf) }) as string;
          // A closed day's answer holds from the day's end on; the current day's from now.
          return { body: Buffer.from(serialized), validFrom: Math.min(now, (day + 1) * DAY_MS), validUntil };
        });
        return sendSerialized(reply, body);
      })();
    },
  );

  app.get(
    '/bucket/:bucketId/status',
    {
      config: { access: 'user' },
      schema: {
        summary: "Get the bucket's node status now",
        description:
          "The state of each node serving the bucket at this instant: the current day's listing, with the window ending now.",
        tags: ['stats'],
        params: BucketParams,
        response: { 200: StorageBucketStatusResponse, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const bucketId = request.params.bucketId.toLowerCase();
      await requireBucketRole(store, principalOf(request), bucketId, 'READ');
      const now = clock.now();
      const entries = await bucketDayStats(store.stats, bucketId, dayOf(now), now, stats);
      return {
        success: true,
        bucketId,
        nodeStatus: entries.map((e) => ({
          nodeId: e.nodeId,
          ip: e.ip,
          host: e.host,
          region: e.region,
          version: e.version,
          status: e.nodeStatus,
          latencyMs: e.lastLatencyMs,
          lastUpdated: formatInstant(e.lastUpdated),
        })),
      };
    },
  );
};
