import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal, RouteAccess } from '../auth/principal.js';
import { hashToken, matchesHash } from '../auth/token-secret.js';
import type { Clock } from '../time/clock.js';
import type { Store } from '../store/store.js';
import type { TokenRecord } from '../store/token-store.js';
import { ApiError } from './api-error.js';
import { bearerTokenHash } from './bearer.js';
import type { CallerBudgets } from './caller-budgets.js';
import type { CredentialLookups } from './credential-lookups.js';
import { TokenTouches } from './token-touches.js';

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

export interface AuthenticationOptions {
  store: Store;
  clock: Clock;
  operatorToken: string;
  /** Told of each token that holds, so that its requests spend its own budget. */
  budgets: CallerBudgets;
  /** Where tokens are looked up (unknown ones are remembered for a moment). */
  credentials: CredentialLookups;
}

/**
 * Checks `Authorization: Bearer <token>` on every route whose access is
 * `user` or `operator`, before the body is read, so that a bad credential is
 * always the first answer.
 */
export function registerAuthentication(app: FastifyInstance, options: AuthenticationOptions): void {
  const isOperator = matchesHash(hashToken(options.operatorToken));
  const touches = new TokenTouches();

  /** The caller's token hash, or the operator; throws a 401 for a missing or malformed header. */
  function credentialOf(request: FastifyRequest): string | { kind: 'operator' } {
    const header = request.headers.authorization;
    if (header === undefined) throw ApiError.unauthorized('missing Authorization header; send Authorization: Bearer <token>');
    const hash = bearerTokenHash(request);
    if (hash === null) throw ApiError.unauthorized('the Authorization header must be "Bearer <token>"');
    return isOperator(hash) ? { kind: 'operator' } : hash;
  }

  function userOf(token: TokenRecord | undefined, now: number): Principal & { kind: 'user' } {
    if (!token) throw ApiError.unauthorized('unknown token');
    if (token.revoked_at !== null) throw ApiError.unauthorized('this token was revoked');
    if (token.expires_at !== null && token.expires_at <= now) throw ApiError.unauthorized('this token has expired');
    return { kind: 'user', userId: token.user_id, tokenId: token.id };
  }

  /** The user of a token read recently, without asking the store; undefined otherwise. */
  function keptUser(hash: string): Principal | undefined {
    const kept = options.store.tokens.keptByHash(hash);
    return kept ? userOf(kept, options.clock.now()) : undefined;
  }

  async function principalFor(hash: string): Promise<Principal> {
    const token = await options.credentials.find('token', hash, () => options.store.tokens.findByHash(hash));
    return userOf(token, options.clock.now());
  }

  function accept(request: FastifyRequest, principal: Principal): void {
    request.principal = principal;
    options.budgets.verified(request);
    if (principal.kind !== 'user') return;
    const now = options.clock.now();
    if (!touches.due(principal.tokenId, now)) return;
    // Not awaited: the answer must neither wait for this write (SQLite may queue
    // it behind the writer) nor fail with it; a lost last-use time is harmless.
    options.store.tokens
      .touch(principal.tokenId, now)
      .catch((error: unknown) =>
        request.log.warn({ err: error, tokenId: principal.tokenId }, "could not record the token's last use"),
      );
  }

  app.decorateRequest('principal', null);
  // A callback hook: a token read recently is checked without a promise, as most calls are.
  app.addHook('onRequest', (request, _reply, done) => {
    const access = request.routeOptions.config.access;
    if (access !== 'user' && access !== 'operator') return done();
    // `done` is called outside the try: it runs the rest of the request, whose errors are not ours to answer twice.
    let known: Principal | undefined;
    let credential: string | { kind: 'operator' };
    try {
      credential = credentialOf(request);
      known = typeof credential === 'string' ? keptUser(credential) : credential;
    } catch (error) {
      return done(error as Error);
    }
    if (known) {
      accept(request, known);
      return done();
    }
    // As Fastify runs an async hook: the rest of the request continues from the promise's callback.
    principalFor(credential as string).then((principal) => {
      accept(request, principal);
      done();
    }, done);
  });
}

/** The caller of a route registered with `user` or `operator` access. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route without authentication asked for a principal');
  return request.principal;
}
