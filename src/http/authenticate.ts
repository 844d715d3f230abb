import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal, RouteAccess } from '../auth/principal.js';
import { hashToken, sameHash } from '../auth/token-secret.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { bearerTokenHash } from './bearer.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on routes that need a bearer token. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Who may call the route; bearer tokens are checked before anything else (401 first). */
    access?: RouteAccess;
  }
}

// Writing last_used_at on every call would turn each read into a write.
const TOUCH_INTERVAL_MS = 60_000;

export interface AuthenticationOptions {
  store: Store;
  clock: Clock;
  operatorToken: string;
}

/**
 * Checks `Authorization: Bearer <token>` on every route whose access is
 * `user` or `operator`, before the body is read, so that a bad credential is
 * always the first answer.
 */
export function registerAuthentication(app: FastifyInstance, options: AuthenticationOptions): void {
  const operatorHash = hashToken(options.operatorToken);
  const touchedAt = new Map<string, number>();

  async function principalFor(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    if (header === undefined) throw ApiError.unauthorized('missing Authorization header; send Authorization: Bearer <token>');
    const hash = bearerTokenHash(request);
    if (hash === null) throw ApiError.unauthorized('the Authorization header must be "Bearer <token>"');
    if (sameHash(hash, operatorHash)) return { kind: 'operator' };
    const token = await options.store.tokens.findByHash(hash);
    const now = options.clock.now();
    if (!token) throw ApiError.unauthorized('unknown token');
    if (token.revoked_at !== null) throw ApiError.unauthorized('this token was revoked');
    if (token.expires_at !== null && token.expires_at <= now) throw ApiError.unauthorized('this token has expired');
    if (now - (touchedAt.get(token.id) ?? -Infinity) >= TOUCH_INTERVAL_MS) {
      touchedAt.set(token.id, now);
      await options.store.tokens.touch(token.id, now);
    }
    return { kind: 'user', userId: token.user_id, tokenId: token.id };
  }

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === 'user' || access === 'operator') request.principal = await principalFor(request);
  });
}

/** The caller of a route registered with `user` or `operator` access. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route without authentication asked for a principal');
  return request.principal;
}
