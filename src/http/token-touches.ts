import { LRUCache } from 'lru-cache';

// Writing last_used_at on every call would turn each read into a write.
const TOUCH_INTERVAL_MS = 60_000;
// Tokens whose last write is remembered; one forgotten is written again early, which is harmless.
const REMEMBERED_TOKENS = 10_000;

/**
 * When each token's `last_used_at` was last written, so that it is written
 * at most once a minute per token; bounded, so that a service that sees
 * many tokens does not keep one entry per token for ever.
 *
 * @example
 * const touches = new TokenTouches();
 * if (touches.due(tokenId, now)) store.tokens.touch(tokenId, now).catch(log);
 */
export class TokenTouches {
  private readonly touchedAt: LRUCache<string, number>;

  constructor(
    max = REMEMBERED_TOKENS,
    private readonly intervalMs = TOUCH_INTERVAL_MS,
  ) {
    this.touchedAt = new LRUCache<string, number>({ max });
  }

  /** Whether the token's last use is due to be written at `now`; when it is, it counts as written. */
  due(tokenId: string, now: number): boolean {
    const last = this.touchedAt.get(tokenId);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.touchedAt.set(tokenId, now);
    return true;
  }

  /** How many tokens are remembered. */
  get size(): number {
    return this.touchedAt.size;
  }
}
