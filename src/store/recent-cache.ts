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
 * the store, so something created elsewhere is seen at once), each kept for
 * what is left of its time to live counted from when its read began.
 * Concurrent lookups of one key share one read: under load, a value that
 * ages out would otherwise be read once per request in flight. Only a read
 * begun less than the time to live ago is shared: one that stalled longer
 * could answer with data older than api.md allows, so a later lookup reads
 * again. A local change (`delete`, `clear`) drops the value and any read
 * begun before it, so that a read racing a change is neither shared
 * afterwards nor kept.
 *
 * @example
 * const buckets = new RecentValues<BucketRecord>();
 * const bucket = await buckets.load(id, () => db.selectFrom('buckets').selectAll().where('id', '=', id).executeTakeFirst());
 */
export class RecentValues<V extends object> {
  private readonly kept: LRUCache<string, V>;
  private readonly reading = new Map<string, { value: Promise<V | undefined>; startedAt: number }>();
  // Bumped by every local change: reads begun before it are not kept.
  private epoch = 0;

  constructor(max = 10_000, ttlMs = RECENT_TTL_MS) {
    this.kept = new LRUCache<string, V>({ max, ttl: ttlMs, ttlAutopurge: false });
  }

  get(key: string): V | undefined {
    return this.kept.get(key);
  }

  has(key: string): boolean {
    return this.kept.has(key);
  }

  /** The kept value, or the one `read` finds, read once for every caller asking meanwhile. */
  load(key: string, read: () => Promise<V | undefined>): Promise<V | undefined> {
    const kept = this.kept.get(key);
    if (kept) return Promise.resolve(kept);
    const pending = this.reading.get(key);
    if (pending && performance.now() - pending.startedAt < this.kept.ttl) return pending.value;
    const started = this.begin();
    const value = read().then(
      (found) => {
        if (this.reading.get(key)?.value === value) this.reading.delete(key);
        if (found) this.keep(key, found, started);
        return found;
      },
      (error: unknown) => {
        if (this.reading.get(key)?.value === value) this.reading.delete(key);
        throw error;
      },
    );
    this.reading.set(key, { value, startedAt: started.readStartedAt });
    return value;
  }

  /** Take before a read whose values go to `keep`. */
  begin(): { readStartedAt: number; epoch: number } {
    return { readStartedAt: performance.now(), epoch: this.epoch };
  }

  /** Keeps `value`, read from `started` on, unless a local change came since or its time is already up. */
  keep(key: string, value: V, started: { readStartedAt: number; epoch: number }): void {
    if (started.epoch !== this.epoch) return;
    const left = Math.floor(this.kept.ttl - (performance.now() - started.readStartedAt));
    // lru-cache reads a ttl of 0 as "for ever": a value already too old is not kept at all.
    if (left >= 1) this.kept.set(key, value, { ttl: left });
  }

  delete(key: string): void {
    this.epoch++;
    this.kept.delete(key);
    this.reading.delete(key);
  }

  clear(): void {
    this.epoch++;
    this.kept.clear();
    this.reading.clear();
  }
}
