import { sign } from 'node:crypto';
import type { BenchNode } from './seed-history.js';

/**
 * Keeps reports arriving during the current-day benchmark: every node sends
 * a signed status for the bucket once a second, as a live fleet would.
 */
export function startLiveReporters(baseUrl: string, nodes: BenchNode[], bucketId: string): { stop(): Promise<number> } {
  let running = true;
  let sent = 0;
  const loops = nodes.map(async (node) => {
    let timestamp = 0;
    while (running) {
      timestamp = Math.max(Date.now(), timestamp + 1);
      const body = JSON.stringify({
        ip: '10.9.9.9',
        region: 'bench',
        timestamp,
        buckets: [{ bucketId, status: 'ONLINE', latencyMs: 21, createdAt: new Date().toISOString() }],
      });
      const response = await fetch(`${baseUrl}/node/status`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-node-id': node.id,
          'x-signature': sign(null, Buffer.from(body), node.privateKey).toString('base64'),
        },
        body,
      });
      if (response.status === 200) sent++;
      await response.text();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return sent;
    },
  };
}
