import http from 'node:http';
import https from 'node:https';
import ipaddr from 'ipaddr.js';
import { guardedLookup, isInternalAddress, parseTargetUrl, TargetRefusedError } from './target-guard.js';

/** Where and how to post, and how long to wait. */
export interface PostOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}

/**
 * Posts a JSON body and answers the receiver's status (its body is read and
 * dropped). The target is checked again here, at the connection, and the
 * whole try (connection, answer, body) ends after `timeoutMs`. Errors carry
 * no URL: they end up in the deliveries list and the logs.
 *
 * @example
 * const status = await postJson({ url, body: '{"text":"hi"}', headers: {}, timeoutMs: 10_000, allowPrivate: false });
 */
export function postJson(options: PostOptions): Promise<number> {
  const url = parseTargetUrl(options.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!options.allowPrivate && ipaddr.isValid(host) && isInternalAddress(host)) {
    return Promise.reject(new TargetRefusedError(`the address ${host} is internal`));
  }
  const client = url.protocol === 'https:' ? https : http;
  const lookup = guardedLookup(options.allowPrivate);
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'flashback-alerts/1', ...options.headers },
        signal: AbortSignal.timeout(options.timeoutMs),
        agent: false,
        ...(lookup && { lookup }),
      },
      (response) => {
        response.on('error', reject);
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', (error: Error & { code?: string }) => {
      if (error.name === 'AbortError' || error.name === 'TimeoutError') {
        reject(new Error(`no answer within ${options.timeoutMs} ms`));
      } else if (error instanceof TargetRefusedError) reject(error);
      else reject(new Error(error.code ? `${error.code}: connection failed` : error.message));
    });
    request.end(options.body);
  });
}
