import { ServiceError, ServiceUnreachableError } from './service-errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface JsonRequest {
  method: HttpMethod;
  url: URL;
  headers?: Record<string, string>;
  /** The exact body text; signed node requests sign these very bytes. */
  body?: string;
  /** Give up (as unreachable) after this long; default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * `path` under the service's base URL, keeping any path prefix the base has
 * (a service behind a reverse proxy at `/fbstats/`).
 *
 * @example
 * serviceUrl('http://127.0.0.1:3000', '/bucket?workspaceId=x') // http://127.0.0.1:3000/bucket?workspaceId=x
 */
export function serviceUrl(base: string, path: string): URL {
  const root = base.endsWith('/') ? base : `${base}/`;
  return new URL(path.replace(/^\/+/, ''), root);
}

function unreachableReason(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return 'no answer in time';
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Sends one JSON request and answers the parsed JSON body of a 2xx.
 * Throws `ServiceError` (with the service's own `message`) for any other
 * status, and `ServiceUnreachableError` when no answer came.
 *
 * @example
 * const body = await requestJson<{ user: { id: string } }>({ method: 'POST', url, body: JSON.stringify({ email, name }) });
 */
export async function requestJson<T>(request: JsonRequest): Promise<T> {
  const doFetch = request.fetch ?? fetch;
  let response: Response;
  let text: string;
  try {
    response = await doFetch(request.url, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.body !== undefined && { 'content-type': 'application/json' }),
        ...request.headers,
      },
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    throw new ServiceUnreachableError(request.url.origin, unreachableReason(error));
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const message = (body as { message?: unknown } | undefined)?.message;
    throw new ServiceError(
      response.status,
      typeof message === 'string' ? message : `HTTP ${response.status} ${response.statusText}`.trim(),
      retryAfterMs(response.headers.get('retry-after')),
    );
  }
  if (body === undefined) {
    throw new ServiceError(response.status, `the answer from ${request.url.pathname} is not JSON; is --url the service?`);
  }
  return body as T;
}
