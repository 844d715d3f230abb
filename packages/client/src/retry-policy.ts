import { HttpError } from './http-error.js';
import { ServiceUnreachableError } from './service-unreachable-error.js';

/**
 * Whether the same call may succeed later: no answer came, or the service
 * was overloaded, failing or rate limiting (5xx, 429, 408).
 *
 * @example
 * if (isTransient(error)) keepForLater(entries);
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof ServiceUnreachableError) return true;
  return error instanceof HttpError && (error.status >= 500 || error.status === 429 || error.status === 408);
}

/** How `withRetries` tries a call again. */
export interface RetryOptions {
  /** Tries in all, the first included; default 6. */
  attempts?: number;
  /** Told before each wait, so that a long outage does not look like a hang. */
  onRetry?: (error: unknown, waitMs: number) => void;
  /** Waits; default a timer. */
  sleep?: (ms: number) => Promise<unknown>;
}

const DEFAULT_ATTEMPTS = 6;
const FIRST_WAIT_MS = 500;
const LONGEST_WAIT_MS = 10_000;

/**
 * Calls `call` until it succeeds, fails in a way that is not transient
 * (`isTransient`), or has been tried `attempts` times. Between tries it waits
 * what the service's `Retry-After` asked, else 0.5 s, 1 s, 2 s... up to 10 s.
 *
 * @example
 * const answer = await withRetries(() => operator.importReports({ reports }), { onRetry: (e, ms) => warn(e, ms) });
 */
export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts) throw error;
      const backoff = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (attempt - 1));
      const waitMs = (error instanceof HttpError && error.retryAfterMs) || backoff;
      options.onRetry?.(error, waitMs);
      await sleep(waitMs);
    }
  }
}
