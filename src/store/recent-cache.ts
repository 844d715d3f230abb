import { LRUCache } from 'lru-cache';

/**
 * How long a value read from the store may be reused without asking again.
 * api.md lets instances sharing one PostgreSQL answer up to 1 s stale after
 * a change made elsewhere; a change made through this instance drops the
 * entry at once.
 */
export const RECENT_TTL_MS = 1_000;

/**
 * A small cache of positive lookups (found records only: a miss always asks
 * the store, so something created elsewhere is seen at once).
 *
 * @example
 * const buckets = recentCache<BucketRecord>();
 * const bucket = buckets.get(id) ?? (await load(id));
 */
export function recentCache<V extends object>(max = 10_000): LRUCache<string, V> {
  return new LRUCache<string, V>({ max, ttl: RECENT_TTL_MS, ttlAutopurge: false });
}
