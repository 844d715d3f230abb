import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';

/**
 * How long a value read from the store may be reused without asking again.
 * api.md lets instances sharing one PostgreSQL answer up to 1 s stale after
 * a change made elsewhere; a change made through this instance drops the
 * entry at once. The time counts from when the read began: a change
 * committed while the read was under way may be missing from its result.
 */
export const RECENT_TTL_MS = 1_000;

/**
 * For the two layers of the stats answers: a kept answer is computed from
 * kept values (the rollups of earlier days, nodes' histories), so their
 * ages add up; each layer keeps its values for half of `RECENT_TTL_MS`.
 */
export const LAYERED_TTL_MS = RECENT_TTL_MS / 2;

/**
 * A small cache of positive lookups (found records only: a miss always asks
 * the store, so something created elsewhere is seen at once). Values that
 * another instance may change are kept with `keepRead`, so that their age
 * counts from their read.
 *
 * @example
 * const buckets = recentCache<BucketRecord>();
 * const bucket = buckets.get(id) ?? (await load(id));
 */
export function recentCache<V extends object>(max = 10_000, ttlMs = RECENT_TTL_MS): LRUCache<string, V> {
  return new LRUCache<string, V>({ max, ttl: ttlMs, ttlAutopurge: false });
}

/**
 * Keeps `value`, read by a query that began at `readStartedAt`
 * (`performance.now()`), for what is left of the cache's time to live
 * counted from that moment.
 *
 * @example
 * const readStartedAt = performance.now();
 * const token = await db.selectFrom('tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
 * if (token) keepRead(byHash, hash, token, readStartedAt);
 */
export function keepRead<V extends object>(cache: LRUCache<string, V>, key: string, value: V, readStartedAt: number): void {
  const left = Math.floor(cache.ttl - (performance.now() - readStartedAt));
  // lru-cache reads a ttl of 0 as "for ever": a value already too old is not kept at all.
  if (left >= 1) cache.set(key, value, { ttl: left });
}
