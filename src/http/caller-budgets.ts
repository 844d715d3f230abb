import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { ApiError } from './api-error.js';
import { bearerTokenHash } from './bearer.js';

const MINUTE_MS = 60_000;
// Addresses and credentials whose counts are kept; past this the least recent is forgotten.
const COUNTED_CALLERS = 50_000;
// Credentials that passed authentication lately; one forgotten spends its address's budget once more.
const VERIFIED_CREDENTIALS = 20_000;

/** What a request claims to be (before it is checked), and the budget it was charged to. */
interface Charge {
  claim: string | undefined;
  budget: string;
}

/** The credential a request's route checks, as a budget key: a token's hash or a node's id. */
function claimOf(request: FastifyRequest): string | undefined {
  const access = request.routeOptions.config.access;
  if (access === 'user' || access === 'operator') {
    const hash = bearerTokenHash(request);
    return hash === null ? undefined : `token:${hash}`;
  }
  if (access === 'node') {
    const nodeId = request.headers['x-node-id'];
    return typeof nodeId === 'string' && nodeId !== '' ? `node:${nodeId.toLowerCase()}` : undefined;
  }
  return undefined;
}

// The socket's peer (no proxy header is trusted); an IPv6 caller is counted by its /64.
const addressOf = (request: FastifyRequest): string => `address:${normalizeIP(request.ip ?? '')}`;

/**
 * Per-caller request budgets (api.md, RATE_LIMIT_PER_MINUTE), spent in an
 * `onRequest` hook that runs before authentication, so that a flood of bad
 * credentials is answered 429 once its budget is spent and costs no store
 * lookup from then on.
 *
 * A request spends the budget of its bearer token or node only when that
 * credential passed authentication on this instance lately (`verified`);
 * every other one (no credential, or one not known to be good) spends its
 * client address's budget. A header alone never picks the budget: a node id
 * is no secret, and a token nobody checked could be anything. A verified
 * request first charged to its address is counted against its credential
 * too, so that the credential's budget counts each of its requests; a 401
 * forgets the credential and charges the address, so that forged requests
 * naming a real node spend the forger's budget, not the node's. Bridge
 * nodes sharing one address (NAT) thus each keep their own budget.
 *
 * @example
 * const budgets = await CallerBudgets.register(app, config.rateLimitPerMinute);
 * // once a request's credential holds:
 * budgets.verified(request);
 */
export class CallerBudgets {
  private readonly verifiedClaims = new LRUCache<string, true>({ max: VERIFIED_CREDENTIALS });
  private readonly charges = new WeakMap<FastifyRequest, Charge>();
  // The budget the limiter is charging for a request right now: its key generator reads it.
  private readonly charging = new WeakMap<FastifyRequest, string>();
  private countOnly: ((request: FastifyRequest) => Promise<unknown>) | undefined;

  private constructor() {}

  /** Adds the limit to every request of `app`, unless `perMinute` is 0 (limits off). */
  static async register(app: FastifyInstance, perMinute: number): Promise<CallerBudgets> {
    const budgets = new CallerBudgets();
    if (perMinute === 0) return budgets;
    await app.register(rateLimit, {
      // Not per route: route hooks run after the app's, and so after authentication.
      global: false,
      max: perMinute,
      timeWindow: MINUTE_MS,
      cache: COUNTED_CALLERS,
      keyGenerator: (request) => budgets.charging.get(request) ?? addressOf(request),
      errorResponseBuilder: (_request, context) =>
        new ApiError(429, `too many requests: at most ${context.max} a minute; retry in ${context.after}`),
    });
    // Both use the plugin's one store: the first refuses (429, Retry-After), the second only counts.
    const limit = app.rateLimit();
    budgets.countOnly = app.createRateLimit();
    app.addHook('onRequest', (request, reply, done) => {
      budgets.chargeBudget(request, reply, limit).then(() => done(), done);
    });
    // Every 401 is a failed authentication, wherever it was decided.
    app.addHook('onError', (request, _reply, error, done) => {
      if (error instanceof ApiError && error.statusCode === 401) budgets.failed(request);
      done();
    });
    return budgets;
  }

  /** The request's credential holds: from now on that credential's requests spend its own budget. */
  verified(request: FastifyRequest): void {
    const charge = this.charges.get(request);
    if (charge?.claim === undefined || charge.budget === charge.claim) return;
    this.verifiedClaims.set(charge.claim, true);
    this.count(request, charge.claim);
  }

  private chargeBudget(
    request: FastifyRequest,
    reply: FastifyReply,
    limit: ReturnType<FastifyInstance['rateLimit']>,
  ): Promise<unknown> {
    const claim = claimOf(request);
    const budget = claim !== undefined && this.verifiedClaims.has(claim) ? claim : addressOf(request);
    this.charges.set(request, { claim, budget });
    this.charging.set(request, budget);
    return limit.call(request.server, request, reply);
  }

  private failed(request: FastifyRequest): void {
    const charge = this.charges.get(request);
    if (charge?.claim === undefined) return;
    this.verifiedClaims.delete(charge.claim);
    if (charge.budget === charge.claim) this.count(request, addressOf(request));
  }

  /** Counts the request against one more budget, without refusing it: it was already let in. */
  private count(request: FastifyRequest, budget: string): void {
    if (!this.countOnly) return;
    this.charging.set(request, budget);
    // The in-memory store answers at once and cannot fail; a rejection would only mean a missed count.
    this.countOnly(request).catch((error: unknown) => request.log.warn({ err: error }, 'a rate-limit count failed'));
  }
}
