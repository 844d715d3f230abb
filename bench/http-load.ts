import autocannon from 'autocannon';
import { wrkLoad } from './wrk-load.js';

/** One URL driven by a closed-loop load: what to send, for how long, over how many connections (32). */
export interface LoadOptions {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  seconds: number;
  connections?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/**
 * Drives one URL with 32 connections for `seconds`: as fast as the server
 * answers with wrk (C, one thread), or at a fixed `rate` with autocannon
 * (wrk cannot pace; at the soak's few hundred requests a second autocannon
 * takes a few percent of a core).
 *
 * @example
 * const result = await load({ url, method: 'POST', body, headers, seconds: 10 });
 */
export async function load(
  options: LoadOptions & {
    /** Requests per second in all; unset: as fast as the server answers. */
    rate?: number;
  },
): Promise<LoadResult> {
  if (options.rate === undefined) return wrkLoad(options);
  const result = await autocannon({
    url: options.url,
    method: options.method,
    ...(options.body !== undefined && { body: options.body }),
    headers: { 'content-type': 'application/json', ...options.headers },
    connections: options.connections ?? 32,
    duration: options.seconds,
    overallRate: options.rate,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
