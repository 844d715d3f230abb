import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';
import { bearerTokenHash } from './bearer.js';

const MINUTE_MS = 60_000;

/**
 * Whose budget a request spends: its bearer token, else the node it claims
 * to be, else its client address (api.md, RATE_LIMIT_PER_MINUTE). Tokens are
 * keyed by their hash (the one authentication uses) so that no secret is kept.
 */
function rateLimitKey(request: FastifyRequest): string {
  const tokenHash = bearerTokenHash(request);
  if (tokenHash !== null) return `token:${tokenHash.slice(0, 32)}`;
  const nodeId = request.headers['x-node-id'];
  if (typeof nodeId === 'string' && nodeId !== '') return `node:${nodeId.toLowerCase().slice(0, 64)}`;
  return `address:${request.ip}`;
}

/**
 * The headers helmet's defaults set, computed once: running helmet on
 * every answer cost about a tenth of a cached stats call.
 */
function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  // The API answers JSON and the pages it serves load only their own assets.
  helmet({ crossOriginResourcePolicy: { policy: 'same-origin' } })(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    () => undefined,
  );
  return headers;
}

/**
 * Security headers on every answer, and per-caller rate limits
 * (429 with Retry-After) unless `perMinute` is 0.
 */
export async function registerProtection(app: FastifyInstance, perMinute: number): Promise<void> {
  const headers = securityHeaders();
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
  });
  if (perMinute === 0) return;
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: MINUTE_MS,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, `too many requests: at most ${context.max} a minute; retry in ${context.after}`),
  });
}
