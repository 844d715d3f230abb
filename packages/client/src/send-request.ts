import { callSignal, type CallSignal } from './call-signal.js';
import type { ApiClientOptions } from './client-options.js';
import type { ErrorResponse } from './common-types.js';
import { HttpError } from './http-error.js';
import { ServiceUnreachableError } from './service-unreachable-error.js';
import { UnexpectedAnswerError } from './unexpected-answer-error.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One call as it goes on the wire. */
export interface OutgoingRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  /** The exact body text: a signed node call signs these very bytes. */
  body?: string;
  /** How a 2xx body is read: parsed JSON (the default), text (a CSV), or bytes (a PDF). */
  read?: 'json' | 'text' | 'bytes';
}

/**
 * Sends one call and answers its parsed JSON body (`null` for an empty
 * 2xx, as the platform's client does), or its text or bytes when
 * `request.read` says so. Throws `HttpError` for any other
 * status, `ServiceUnreachableError` when no answer came (or none in time), the
 * caller's abort reason when its signal aborted, and `UnexpectedAnswerError`
 * for a 2xx that is not JSON.
 *
 * @example
 * const answer = await sendRequest<GetWorkspacesResponse>(options, { method: 'GET', url, headers });
 */
export async function sendRequest<T>(options: ApiClientOptions, request: OutgoingRequest): Promise<T> {
  const call = callSignal(options.signal, options.timeoutMs);
  const init: RequestInit = {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined && { body: request.body }),
    ...(call.signal && { signal: call.signal }),
    ...(options.cache && { cache: options.cache }),
  };
  try {
    const response = await orNoAnswer(() => (options.fetch ?? fetch)(request.url, init), request, options, call);
    options.onResponse?.(response);
    if (response.ok && request.read === 'bytes') {
      return new Uint8Array(await orNoAnswer(() => response.arrayBuffer(), request, options, call)) as T;
    }
    const text = await orNoAnswer(() => response.text(), request, options, call);
    if (response.ok && request.read === 'text') return text as T;
    return readAnswer<T>(response, text, request);
  } finally {
    call.release();
  }
}

function readAnswer<T>(response: Response, text: string, request: OutgoingRequest): T {
  if (!response.ok) {
    const retryAfterMs = retryAfter(response.headers.get('retry-after'));
    throw new HttpError(response.status, response.statusText, parseJsonOrNull(text), retryAfterMs);
  }
  if (text === '') return null as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UnexpectedAnswerError(response.status, new URL(request.url, 'http://base.invalid').pathname);
  }
}

/** `work`'s answer; its failure as the caller's own abort (as it came), or else as "unreachable". */
async function orNoAnswer<T>(
  work: () => Promise<T>,
  request: OutgoingRequest,
  options: ApiClientOptions,
  call: CallSignal,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ServiceUnreachableError(originOf(request.url), reasonOf(error, call), { cause: error });
  }
}

function reasonOf(error: unknown, call: CallSignal): string {
  if (call.timedOut()) return 'no answer in time';
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** `Retry-After` as seconds or as an HTTP date, in milliseconds from now. */
function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (header.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseJsonOrNull(text: string): ErrorResponse | null {
  try {
    return JSON.parse(text) as ErrorResponse;
  } catch {
    return null;
  }
}
