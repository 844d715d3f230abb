/**
 * How an `ApiClient` sends its calls. Everything is optional: with none, it
 * behaves as the platform's client (the global `fetch`, no timeout).
 *
 * @example
 * const client = new ApiClient('http://127.0.0.1:3000', { timeoutMs: 30_000, signal: stopping.signal });
 */
export interface ApiClientOptions {
  /** The `fetch` to call; default the global one, looked up at each call. */
  fetch?: typeof fetch;
  /**
   * Milliseconds a call may take, answer body included, before it fails
   * with `ServiceUnreachableError` (reason `no answer in time`); default none.
   */
  timeoutMs?: number;
  /** Aborts the calls in flight, and fails every later one, with the signal's reason. */
  signal?: AbortSignal;
  /**
   * `RequestInit.cache` of every call, e.g. `'no-store'` in a browser so that
   * no answer comes from its cache (spelled out: Node's `RequestInit` has no `cache`).
   */
  cache?: 'default' | 'no-store' | 'reload' | 'no-cache' | 'force-cache' | 'only-if-cached';
  /**
   * Told of every answer before its body is read, e.g. to follow the
   * service's clock through its `Date` header.
   */
  onResponse?: (response: Response) => void;
}
