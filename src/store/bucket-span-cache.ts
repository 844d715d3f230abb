import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import { RECENT_TTL_MS } from './recent-cache.js';
import type { StoreEvents } from './store-events.js';

/** What `generation` hands out, for `set`: the state of the cache when the reads for a value began, and when. */
export interface SpanGeneration {
  tag: string;
  readStartedAt: number;
}

/**
 * Values derived from one bucket's reports over a span of UTC days (a
 * day's answer, the rollups before a day), dropped at once when this
 * instance stores a report in that span, and aged out after `ttlMs`
 * (1 s unless said otherwise), counted from when the value's reads began,
 * so that a change made by another instance sharing the store shows within
 * that time.
 *
 * @example
 * const cache = new BucketSpanCache<string>(store.events, { dropOnNodeChange: true });
 * const generation = cache.generation(bucketId);
 * const body = cache.get(bucketId, from, to) ?? compute();
 * cache.set(bucketId, from, to, body, generation);
 */
export class BucketSpanCache<V extends object | string> {
  private readonly entries: LRUCache<string, { value: V }>;
  private readonly keysByBucket = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();
  private globalGeneration = 0;
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
      dispose: (_value, key) => this.keysByBucket.get(key.slice(0, key.indexOf('/')))?.delete(key),
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
  generation(bucketId: string): SpanGeneration {
    return { tag: this.tag(bucketId), readStartedAt: performance.now() };
  }

  private tag(bucketId: string): string {
    return `${this.globalGeneration}/${this.generations.get(bucketId) ?? 0}`;
  }

  get(bucketId: string, fromDay: number, toDay: number): V | undefined {
    return this.entries.get(`${bucketId}/${fromDay}/${toDay}`)?.value;
  }

  set(bucketId: string, fromDay: number, toDay: number, value: V, generation: SpanGeneration): void {
    if (generation.tag !== this.tag(bucketId)) return;
    const left = Math.floor(this.ttlMs - (performance.now() - generation.readStartedAt));
    // lru-cache reads a ttl of 0 as "for ever": a value already too old is not kept at all.
    if (left < 1) return;
    const key = `${bucketId}/${fromDay}/${toDay}`;
    this.entries.set(key, { value }, { ttl: left });
    const keys = this.keysByBucket.get(bucketId) ?? new Set<string>();
    this.keysByBucket.set(bucketId, keys.add(key));
  }

  private reportsChanged(bucketId: string, days: readonly number[] | 'all'): void {
    this.generations.set(bucketId, (this.generations.get(bucketId) ?? 0) + 1);
    for (const key of [...(this.keysByBucket.get(bucketId) ?? [])]) {
      const [, from, to] = key.split('/').map(Number) as [number, number, number];
      if (days === 'all' || days.some((day) => day >= from && day <= to)) this.entries.delete(key);
    }
  }

  private clear(): void {
    this.globalGeneration++;
    this.entries.clear();
  }
}
