import { BucketSpanCache } from '../store/bucket-span-cache.js';
import type { StoreEvents } from '../store/store-events.js';

/**
 * Serialized answers of closed days, so that a dashboard polling a past day
 * costs a lookup. A closed day's answer depends on the reports of that day
 * and of the `lookbackDays` before it (a status carried over midnight, the
 * listing and `last_*`), on where each timeline starts, and on the nodes'
 * registrations: a change to any of those drops it (see `BucketSpanCache`).
 */
export class StatsAnswerCache {
  private readonly answers: BucketSpanCache<string>;

  constructor(
    events: StoreEvents,
    private readonly lookbackDays: number,
  ) {
    // 16 M characters: about a thousand answers of 50 nodes.
    this.answers = new BucketSpanCache(events, { dropOnNodeChange: true, maxSize: 16_000_000, sizeOf: (body) => body.length });
  }

  /** Read before computing an answer; hand it back to `set`. */
  generation(bucketId: string): string {
    return this.answers.generation(bucketId);
  }

  get(bucketId: string, day: number): string | undefined {
    return this.answers.get(bucketId, day - this.lookbackDays, day);
  }

  set(bucketId: string, day: number, body: string, generation: string): void {
    this.answers.set(bucketId, day - this.lookbackDays, day, body, generation);
  }
}
