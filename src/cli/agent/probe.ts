import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';

/** What one probe of a bucket's storage found. */
export interface ProbeResult {
  status: 'ONLINE' | 'OFFLINE';
  /** Milliseconds to the answer's headers; null when there was no usable answer. */
  latencyMs: number | null;
  /** Why, for the log: the HTTP status, or the network error. */
  detail: string;
}

function failureOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/**
 * Probes a bucket's storage URL with one HTTP GET. Any answer below 500
 * within the timeout is ONLINE (a 403 or 404 still proves the storage
 * answers); a 5xx, a refused connection or the timeout is OFFLINE.
 * Each probe opens its own connection: a pooled one that the storage closed
 * while idle would read as an outage, and the latency would leave out the
 * connection set-up that a client of the bucket pays. Redirects are not
 * followed: the redirect is itself the answer.
 *
 * @example
 * await probeStorage('https://s3.us-east-1.amazonaws.com/invoices', 5000) // { status: 'ONLINE', latencyMs: 38, detail: 'HTTP 403' }
 */
export function probeStorage(url: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const started = performance.now();
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request: ClientRequest = send(target, { method: 'GET', agent: false }, (response: IncomingMessage) => {
      const latencyMs = Math.round(performance.now() - started);
      const status = response.statusCode ?? 0;
      response.destroy(); // only the headers matter
      const detail = `HTTP ${status}`;
      finish(status < 500 ? { status: 'ONLINE', latencyMs, detail } : { status: 'OFFLINE', latencyMs: null, detail });
    });
    const timer = setTimeout(
      () => finish({ status: 'OFFLINE', latencyMs: null, detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    request.on('error', (error) => finish({ status: 'OFFLINE', latencyMs: null, detail: failureOf(error) }));
    request.end();
  });
}
