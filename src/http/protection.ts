import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page for browsers (HTML, scripts, styles): it gets helmet's full set of headers. */
    page?: boolean;
  }
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
 * Security headers on every answer: helmet's full set on pages, a strict
 * subset on JSON answers. (Per-caller rate limits: `CallerBudgets`.)
 */
export function registerProtection(app: FastifyInstance): void {
  const pages = pageHeaders();
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(isPage(request) ? pages : API_HEADERS);
    done();
  });
}
