import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** One request of a paced load: when it was sent (epoch ms), how long its answer took, and its status (0: failed). */
export interface PacedSample {
  sentAt: number;
  latencyMs: number;
  status: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

function send(url: URL, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/**
 * POSTs `body` to `url` at a steady `perSecond` (each request sent on time,
 * whether or not the earlier ones were answered: an open-loop load, so that
 * a stall shows as latency instead of as fewer requests) until `stop` is
 * called, and answers every request's timing. With a function for `url`,
 * each request goes to the URL it answers (a random bucket, say).
 *
 * @example
 * const load = pacedLoad(`${base}/bucket/${id}/stats`, '{"day":"2024-01-15"}', { authorization: 'Bearer t' }, 200);
 * const samples = await load.stop();
 */
export function pacedLoad(
  url: string | (() => string),
  body: string,
  headers: Record<string, string>,
  perSecond: number,
): { stop(): Promise<PacedSample[]> } {
  const fixed = typeof url === 'string' ? new URL(url) : undefined;
  const target = (): URL => fixed ?? new URL((url as () => string)());
  const samples: Array<Promise<PacedSample>> = [];
  let running = true;
  const loop = (async () => {
    const interval = 1000 / perSecond;
    for (let next = Date.now(); running; next += interval) {
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      const sentAt = Date.now();
      const started = process.hrtime.bigint();
      samples.push(
        send(target(), body, headers).then((status) => ({
          sentAt,
          status,
          latencyMs: Number(process.hrtime.bigint() - started) / 1e6,
        })),
      );
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return Promise.all(samples);
    },
  };
}

/** The `q` quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}
