import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';
import { bearerTokenHash } from './bearer.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page for browsers (HTML, scripts, styles): it gets helmet's full set of headers. */
    page?: boolean;
  }
}

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
 * The headers helmet's defaults set, for the pages (the dashboard and
 * /docs), computed once: running helmet on every answer cost about a tenth
 * of a cached stats call.
 */
function pageHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  // The pages load only their own assets.
  helmet({ crossOriginResourcePolicy: { policy: 'same-origin' } })(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    () => undefined,
  );
  return headers;
}

/**
 * What a JSON answer needs (OWASP's REST Security Cheat Sheet): it loads
 * nothing, may not be framed, sniffed or read cross-origin. Half of
 * helmet's twelve headers, and stricter: Node checks every header of every
 * answer, so the ones that only mean something to a page are left to pages.
 */
const API_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

const isPage = (request: FastifyRequest): boolean => request.routeOptions.config.page === true || request.url.startsWith('/docs');

/**
 * Security headers on every answer, and per-caller rate limits
 * (429 with Retry-After) unless `perMinute` is 0.
 */
export async function registerProtection(app: FastifyInstance, perMinute: number): Promise<void> {
  const pages = pageHeaders();
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(isPage(request) ? pages : API_HEADERS);
    done();
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
