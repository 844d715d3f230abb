import { BucketSpanCache, type SpanGeneration } from '../store/bucket-span-cache.js';
import { LAYERED_TTL_MS } from '../store/recent-cache.js';
import type { StoreEvents } from '../store/store-events.js';

/** A serialized answer and the instants of `now` it answers: `[validFrom, validUntil)` (a closed day from its end on). */
export interface KeptAnswer {
  body: Buffer;
  validFrom: number;
  validUntil: number;
}

/**
 * Serialized answers, so that a dashboard polling a day costs a lookup.
 * They are kept as UTF-8 bytes, so that sending one does not encode it
 * again. A day's answer depends on the reports of that day and of the
 * `lookbackDays` before it (a status carried over midnight, the listing and
 * `last_*`), on where each timeline starts, and on the nodes' registrations:
 * a change to any of those drops it (see `BucketSpanCache`). An answer of
 * the current day also depends on the instant asked: it is served only
 * while the clock is within the span the engine found it to hold
 * (`DayAnswer.validUntil`). An answer is computed from kept rollups and
 * node histories, so it is kept for half the staleness api.md allows, as
 * they are (`LAYERED_TTL_MS`).
 */
export class StatsAnswerCache {
  private readonly answers: BucketSpanCache<KeptAnswer>;
  private readonly computing = new Map<string, { generation: SpanGeneration; answer: Promise<KeptAnswer> }>();

  constructor(
    events: StoreEvents,
    private readonly lookbackDays: number,
  ) {
    // 16 MB: about a thousand answers of 50 nodes.
    this.answers = new BucketSpanCache(events, {
      dropOnNodeChange: true,
      maxSize: 16_000_000,
      sizeOf: (answer) => answer.body.length,
      ttlMs: LAYERED_TTL_MS,
    });
  }

  /** How far ahead an answer of the current day is worth checking: it is not kept longer. */
  get lookAheadMs(): number {
    return LAYERED_TTL_MS;
  }

  /** The kept answer of `day` if it holds at `now`; never computes. */
  kept(bucketId: string, day: number, now: number): Buffer | undefined {
    const kept = this.answers.get(bucketId, day - this.lookbackDays, day);
    return kept && holdsAt(kept, now) ? kept.body : undefined;
  }

  /**
   * The answer of `day` as it stands at `now`: a kept one, or the one being
   * computed for the same day if it began since the bucket last changed,
   * less than an answer's time to live ago, and holds at `now`, or a new one
   * from `compute`. Requests in flight when an answer ages out share one
   * computation instead of each making its own; one that stalled is not
   * shared, since its reads may be older than api.md allows.
   */
  async answer(bucketId: string, day: number, now: number, compute: () => Promise<KeptAnswer>): Promise<Buffer> {
    const kept = this.kept(bucketId, day, now);
    if (kept) return kept;
    const key = `${bucketId}/${day}`;
    const generation = this.answers.generation();
    const running = this.computing.get(key);
    if (
      running &&
      generation.readStartedAt - running.generation.readStartedAt < LAYERED_TTL_MS &&
      this.answers.unchangedSince(bucketId, running.generation)
    ) {
      const shared = await running.answer;
      if (holdsAt(shared, now)) return shared.body;
    }
    const answer = compute();
    this.computing.set(key, { generation, answer });
    try {
      const computed = await answer;
      if (computed.validUntil > computed.validFrom + 1) {
        this.answers.set(bucketId, day - this.lookbackDays, day, computed, generation);
      }
      return computed.body;
    } finally {
      if (this.computing.get(key)?.answer === answer) this.computing.delete(key);
    }
  }
}

function holdsAt(answer: KeptAnswer, now: number): boolean {
  return answer.validFrom <= now && now < answer.validUntil;
}
