import { EventEmitter } from 'node:events';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../time/clock.js';
import { RECENT_TTL_MS } from '../store/recent-cache.js';

/** The two credentials looked up in the store: a bearer token's hash and a node's id. */
export type CredentialKind = 'token' | 'node';

/** Who answered a lookup: the store, or the memory of credentials it recently did not know. */
export type LookupAnswer = 'store' | 'unknown_cache';

// Enough for a flood of distinct junk; each entry is one short string.
const REMEMBERED_UNKNOWN = 50_000;

/**
 * Looks up the credentials that authentication checks, remembering for a
 * second the ones the store does not know, so that a caller repeating a
 * bad token or node id costs no store query each time (the store's own
 * caches keep found records only). A second is api.md's staleness allowed
 * between instances; a credential created through this instance is
 * forgotten at once (`forget`), and so is any lookup of it under way then.
 * Each lookup is told on `events`, for the metrics.
 *
 * @example
 * const lookups = new CredentialLookups(clock);
 * const token = await lookups.find('token', hash, () => store.tokens.findByHash(hash));
 */
export class CredentialLookups {
  readonly events = new EventEmitter<{ lookup: [kind: CredentialKind, answeredBy: LookupAnswer] }>();
  private readonly unknown: LRUCache<string, true>;
  // Bumped by `forget`: a lookup begun before it does not record a miss.
  private epoch = 0;

  constructor(clock: Clock, ttlMs = RECENT_TTL_MS) {
    // Timed by the app's clock (exactly: no cached reading), so that tests move it by hand.
    this.unknown = new LRUCache<string, true>({ max: REMEMBERED_UNKNOWN, ttl: ttlMs, ttlResolution: 0, perf: clock });
  }

  /** The record `read` finds, or undefined without reading when the store lately did not know `id`. */
  async find<V>(kind: CredentialKind, id: string, read: () => Promise<V | undefined>): Promise<V | undefined> {
    const key = `${kind}:${id}`;
    if (this.unknown.has(key)) {
      this.events.emit('lookup', kind, 'unknown_cache');
      return undefined;
    }
    this.events.emit('lookup', kind, 'store');
    const epoch = this.epoch;
    const found = await read();
    if (found === undefined && epoch === this.epoch) this.unknown.set(key, true);
    return found;
  }

  /** A credential was just created here: it must work at once. */
  forget(kind: CredentialKind, id: string): void {
    this.epoch++;
    this.unknown.delete(`${kind}:${id}`);
  }
}
