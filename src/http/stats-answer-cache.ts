import { LRUCache } from 'lru-cache';
import { RECENT_TTL_MS } from '../store/recent-cache.js';
import type { StoreEvents } from '../store/store-events.js';

/**
 * Serialized answers of closed days, so that a dashboard polling a past day
 * costs a lookup. A closed day changes only when a late report touches it,
 * the day before it (a status carried over midnight) or one of the
 * `lookbackDays` before it (listing and `last_*`), or when a node
 * re-registers: those events drop the entries at once on this instance;
 * other instances sharing the store see the change when the entry ages out
 * (at most 1 s, as api.md allows).
 */
export class StatsAnswerCache {
  private readonly answers: LRUCache<string, string>;
  private readonly generations = new Map<string, number>();
  private globalGeneration = 0;

  constructor(
    events: StoreEvents,
    private readonly lookbackDays: number,
    maxEntries = 20_000,
  ) {
    this.answers = new LRUCache({ max: maxEntries, ttl: RECENT_TTL_MS });
    events.on('reports', (bucketId, days) => this.reportsChanged(bucketId, days));
    events.on('nodes', () => this.clear());
    events.on('bucketDeleted', (bucketId) => this.reportsChanged(bucketId, null));
  }

  /**
   * A token to hand back to `set`: an answer computed while a change landed
   * is not kept, since it may predate the change.
   */
  generation(bucketId: string): string {
    return `${this.globalGeneration}/${this.generations.get(bucketId) ?? 0}`;
  }

  get(bucketId: string, day: number): string | undefined {
    return this.answers.get(`${bucketId}/${day}`);
  }

  set(bucketId: string, day: number, body: string, generation: string): void {
    if (generation === this.generation(bucketId)) this.answers.set(`${bucketId}/${day}`, body);
  }

  private reportsChanged(bucketId: string, days: readonly number[] | null): void {
    this.generations.set(bucketId, (this.generations.get(bucketId) ?? 0) + 1);
    if (days === null) {
      for (const key of this.answers.keys()) if (key.startsWith(`${bucketId}/`)) this.answers.delete(key);
      return;
    }
    for (const day of days) {
      for (let later = day; later <= day + this.lookbackDays + 1; later++) this.answers.delete(`${bucketId}/${later}`);
    }
  }

  private clear(): void {
    this.globalGeneration++;
    this.answers.clear();
  }
}
