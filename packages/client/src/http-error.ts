import type { ErrorResponse } from './common-types.js';

/**
 * What every `ApiClient` call throws when the service answers a status
 * outside 2xx.
 *
 * @example
 * try {
 *   await client.getBucketNodeStats(bucketId, { day: '2024-01-15' });
 * } catch (error) {
 *   if (error instanceof HttpError && error.status === 403) console.error(error.data?.message);
 *   else throw error;
 * }
 */
export class HttpError extends Error {
  override name = 'HttpError';

  constructor(
    readonly status: number,
    readonly statusText: string,
    /**
     * The parsed JSON body of the answer, or `null` when it was not JSON
     * (say, a proxy's HTML page). This service answers every error as an
     * `ErrorResponse`; a JSON body of another shape from something in
     * between is passed on as it came.
     */
    readonly data: ErrorResponse | null,
    /**
     * How long the service asked the caller to wait (a 429's or 503's
     * `Retry-After`), in milliseconds; `undefined` when it did not say.
     */
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP Error ${status}: ${statusText}`);
  }
}
