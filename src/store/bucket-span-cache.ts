import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import { RECENT_TTL_MS } from './recent-cache.js';
import type { StoreEvents } from './store-events.js';

/** What `generation` hands out, for `set`: when the reads for a value began. */
export interface SpanGeneration {
  readStartedAt: number;
}

// Changes remembered at most, whatever the number of buckets changing within one time to live.
const MAX_CHANGES_KEPT = 10_000;

/**
 * Values derived from one bucket's reports over a span of UTC days (a
 * day's answer, the rollups before a day), dropped at once when this
 * instance stores a report in that span, and aged out after `ttlMs`
 * (1 s unless said otherwise), counted from when the value's reads began,
 * so that a change made by another instance sharing the store shows within
 * that time.
 *
 * Everything it holds is bounded, whatever the number of buckets: the
 * values by `maxSize`, the keys of each bucket's values by the values, and
 * the instants of the latest changes (for values computed while one
 * landed) by `MAX_CHANGES_KEPT` and by age: a change forgotten is taken to
 * have happened as late as the latest one forgotten, which refuses more
 * values, never fewer.
 *
 * @example
 * const cache = new BucketSpanCache<string>(store.events, { dropOnNodeChange: true, maxSize: 1000, sizeOf: (s) => s.length });
 * const generation = cache.generation();
 * const body = cache.get(bucketId, from, to) ?? compute();
 * cache.set(bucketId, from, to, body, generation);
 */
export class BucketSpanCache<V extends object | string> {
  private readonly entries: LRUCache<string, { value: V }>;
  private readonly keysByBucket = new Map<string, Set<string>>();
  /** The instant of each bucket's latest change, oldest first (a change moves its bucket to the end). */
  private readonly changedAt = new Map<string, number>();
  /** Every change no longer in `changedAt` happened at or before this instant. */
  private forgottenUntil = -Infinity;
  /** The latest change of every bucket at once (a node's profile). */
  private clearedAt = -Infinity;
  private readonly ttlMs: number;

  /**
   * `maxSize` bounds the memory held, in the units of `sizeOf` (characters
   * of an answer, rows of a rollup list), so that the cache cannot grow the
   * process whatever the number of buckets and days asked.
   */
  constructor(
    events: StoreEvents,
    options: { dropOnNodeChange: boolean; maxSize: number; sizeOf: (value: V) => number; ttlMs?: number },
  ) {
    this.ttlMs = options.ttlMs ?? RECENT_TTL_MS;
    this.entries = new LRUCache({
      maxSize: options.maxSize,
      sizeCalculation: (entry) => Math.max(1, options.sizeOf(entry.value)),
      ttl: this.ttlMs,
      dispose: (_value, key) => this.forgetKey(key),
    });
    events.on('reports', (bucketId, days) => this.reportsChanged(bucketId, days));
    events.on('bucketDeleted', (bucketId) => this.reportsChanged(bucketId, 'all'));
    if (options.dropOnNodeChange) events.on('nodes', () => this.clear());
  }

  /**
   * Take before reading what a value is computed from, and hand back to
   * `set`: a value computed while a change landed is not kept, since it may
   * predate the change, and a value's age counts from here.
   */
  generation(): SpanGeneration {
    return { readStartedAt: performance.now() };
  }

  /** Whether nothing `bucketId`'s values depend on changed since `generation` was taken. */
  unchangedSince(bucketId: string, generation: SpanGeneration): boolean {
    const changed = Math.max(this.changedAt.get(bucketId) ?? this.forgottenUntil, this.clearedAt);
    return changed < generation.readStartedAt;
  }

  get(bucketId: string, fromDay: number, toDay: number): V | undefined {
    return this.entries.get(`${bucketId}/${fromDay}/${toDay}`)?.value;
  }

  set(bucketId: string, fromDay: number, toDay: number, value: V, generation: SpanGeneration): void {
    if (!this.unchangedSince(bucketId, generation)) return;
    const left = Math.floor(this.ttlMs - (performance.now() - generation.readStartedAt));
    // lru-cache reads a ttl of 0 as "for ever": a value already too old is not kept at all.
    if (left < 1) return;
    const key = `${bucketId}/${fromDay}/${toDay}`;
    this.entries.set(key, { value }, { ttl: left });
    const keys = this.keysByBucket.get(bucketId) ?? new Set<string>();
    this.keysByBucket.set(bucketId, keys.add(key));
  }

  /** How many buckets it holds something for: values, and recent changes (for tests and monitoring). */
  trackedBuckets(): { withValues: number; withChanges: number } {
    return { withValues: this.keysByBucket.size, withChanges: this.changedAt.size };
  }

  private forgetKey(key: string): void {
    const bucketId = key.slice(0, key.indexOf('/'));
    const keys = this.keysByBucket.get(bucketId);
    keys?.delete(key);
    if (keys?.size === 0) this.keysByBucket.delete(bucketId);
  }

  private reportsChanged(bucketId: string, days: readonly number[] | 'all'): void {
    const now = performance.now();
    this.changedAt.delete(bucketId);
    this.changedAt.set(bucketId, now);
    for (const [oldest, at] of this.changedAt) {
      if (at > now - this.ttlMs && this.changedAt.size <= MAX_CHANGES_KEPT) break;
      this.changedAt.delete(oldest);
      this.forgottenUntil = Math.max(this.forgottenUntil, at);
    }
    for (const key of [...(this.keysByBucket.get(bucketId) ?? [])]) {
      const [, from, to] = key.split('/').map(Number) as [number, number, number];
      if (days === 'all' || days.some((day) => day >= from && day <= to)) this.entries.delete(key);
    }
  }

  private clear(): void {
    this.clearedAt = performance.now();
    this.entries.clear();
  }
}
