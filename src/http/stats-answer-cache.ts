import { BucketSpanCache, type SpanGeneration } from '../store/bucket-span-cache.js';
import { LAYERED_TTL_MS } from '../store/recent-cache.js';
import type { StoreEvents } from '../store/store-events.js';

/**
 * Serialized answers of closed days, so that a dashboard polling a past day
 * costs a lookup. They are kept as UTF-8 bytes, so that sending one does not
 * encode it again. A closed day's answer depends on the reports of that day
 * and of the `lookbackDays` before it (a status carried over midnight, the
 * listing and `last_*`), on where each timeline starts, and on the nodes'
 * registrations: a change to any of those drops it (see `BucketSpanCache`).
 * An answer is computed from kept rollups and node histories, so it is kept
 * for half the staleness api.md allows, as they are (`LAYERED_TTL_MS`).
 */
export class StatsAnswerCache {
  private readonly answers: BucketSpanCache<Buffer>;

  constructor(
    events: StoreEvents,
    private readonly lookbackDays: number,
  ) {
    // 16 MB: about a thousand answers of 50 nodes.
    this.answers = new BucketSpanCache(events, {
      dropOnNodeChange: true,
      maxSize: 16_000_000,
      sizeOf: (body) => body.length,
      ttlMs: LAYERED_TTL_MS,
    });
  }

  /** Read before computing an answer; hand it back to `set`. */
  generation(bucketId: string): SpanGeneration {
    return this.answers.generation(bucketId);
  }

  get(bucketId: string, day: number): Buffer | undefined {
    return this.answers.get(bucketId, day - this.lookbackDays, day);
  }

  set(bucketId: string, day: number, body: Buffer, generation: SpanGeneration): void {
    this.answers.set(bucketId, day - this.lookbackDays, day, body, generation);
  }
}
