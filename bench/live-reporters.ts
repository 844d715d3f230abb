import type { BenchNode } from './seed-history.js';
import { sendStatus } from './signed-status.js';

/**
 * Keeps reports arriving during the current-day benchmark: every node sends
 * a signed status for the bucket once a second, as a live fleet would.
 */
export function startLiveReporters(
  baseUrl: string,
  nodes: BenchNode[],
  bucketId: string,
): { stop(): Promise<{ sent: number; failed: number }> } {
  let running = true;
  let sent = 0;
  let failed = 0;
  const loops = nodes.map(async (node) => {
    let timestamp = 0;
    while (running) {
      timestamp = Math.max(Date.now(), timestamp + 1);
      const stored = await sendStatus(baseUrl, node, timestamp, [
        { bucketId, status: 'ONLINE', latencyMs: 21, createdAt: new Date().toISOString() },
      ]);
      if (stored !== null) sent++;
      else failed++;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { sent, failed };
    },
  };
}
