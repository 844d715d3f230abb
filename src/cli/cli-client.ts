import { ApiClient } from '@flashback/bucket-stats-client';

/** How long a command or the agent waits for one answer before calling the service unreachable. */
export const ANSWER_TIMEOUT_MS = 30_000;

/**
 * The service's client as `fbstats` and its agent use it: a 30 s timeout per
 * call, and the `fetch` a test put in the CLI's I/O, if any.
 *
 * @example
 * const operator = cliClient('http://127.0.0.1:3000');
 * operator.setAuthToken(token);
 */
export function cliClient(baseUrl: string, fetchFn?: typeof fetch): ApiClient {
  return new ApiClient(baseUrl, { timeoutMs: ANSWER_TIMEOUT_MS, ...(fetchFn && { fetch: fetchFn }) });
}
