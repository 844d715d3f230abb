/**
 * The service answered with an error: its status and its `message` (api.md:
 * every error is `{"success": false, "message"}`).
 *
 * @example
 * try { await client.post('/admin/users', body); } catch (e) { if (e instanceof ServiceError && e.status === 409) ... }
 */
export class ServiceError extends Error {
  override name = 'ServiceError';

  constructor(
    readonly status: number,
    message: string,
    /** From a 429's `Retry-After`, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** Worth trying again later: the service is overloaded, failing or rate limiting. */
  get transient(): boolean {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

/**
 * No answer at all: refused connection, DNS failure, reset, or a timeout.
 *
 * @example
 * if (error instanceof ServiceUnreachableError) buffer.append(entries);
 */
export class ServiceUnreachableError extends Error {
  override name = 'ServiceUnreachableError';

  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the service at ${url}: ${reason}`);
  }
}

/**
 * Whether retrying the same request later may succeed.
 *
 * @example
 * if (isTransient(error) && attempt < attempts) await sleep(backoff);
 */
export function isTransient(error: unknown): boolean {
  return error instanceof ServiceUnreachableError || (error instanceof ServiceError && error.transient);
}
