import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../app-context.js';
import { errorResponses } from '../schemas/common-schemas.js';

const Health = Type.Object({ success: Type.Boolean(), status: Type.String() });

/** Liveness and readiness probes, open to anyone. */
export const healthRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store }) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['operations'],
        response: { 200: Health, ...errorResponses(429) },
      },
    },
    async () => ({ success: true, status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the store answers',
        tags: ['operations'],
        response: { 200: Health, ...errorResponses(429, 503) },
      },
    },
    async (request, reply) => {
      try {
        await store.ping();
        return { success: true, status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'store not ready');
        return reply.status(503).send({ success: false, message: 'the store does not answer' });
      }
    },
  );
};
