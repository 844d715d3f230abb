import { LRUCache } from 'lru-cache';
import { RECENT_TTL_MS } from './recent-cache.js';
import type { StoreEvents } from './store-events.js';

/**
 * Values derived from one bucket's reports over a span of UTC days (a
 * day's answer, the rollups before a day), dropped at once when this
 * instance stores a report in that span, and aged out after 1 s so that a
 * change made by another instance sharing the store shows within 1 s.
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

  /**
   * `maxSize` bounds the memory held, in the units of `sizeOf` (characters
   * of an answer, rows of a rollup list), so that the cache cannot grow the
   * process whatever the number of buckets and days asked.
   */
  constructor(events: StoreEvents, options: { dropOnNodeChange: boolean; maxSize: number; sizeOf: (value: V) => number }) {
    this.entries = new LRUCache({
      maxSize: options.maxSize,
      sizeCalculation: (entry) => Math.max(1, options.sizeOf(entry.value)),
      ttl: RECENT_TTL_MS,
      dispose: (_value, key) => this.keysByBucket.get(key.slice(0, key.indexOf('/')))?.delete(key),
    });
    events.on('reports', (bucketId, days) => this.reportsChanged(bucketId, days));
    events.on('bucketDeleted', (bucketId) => this.reportsChanged(bucketId, 'all'));
    if (options.dropOnNodeChange) events.on('nodes', () => this.clear());
  }

  /**
   * A token to hand back to `set`: a value computed while a change landed
   * is not kept, since it may predate the change.
   */
  generation(bucketId: string): string {
    return `${this.globalGeneration}/${this.generations.get(bucketId) ?? 0}`;
  }

  get(bucketId: string, fromDay: number, toDay: number): V | undefined {
    return this.entries.get(`${bucketId}/${fromDay}/${toDay}`)?.value;
  }

  set(bucketId: string, fromDay: number, toDay: number, value: V, generation: string): void {
    if (generation !== this.generation(bucketId)) return;
    const key = `${bucketId}/${fromDay}/${toDay}`;
    this.entries.set(key, { value });
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
