import { sign } from 'node:crypto';
import type { BenchNode } from './seed-history.js';

export interface StatusEntry {
  bucketId: string;
  status: 'ONLINE' | 'OFFLINE' | 'DISCONNECTED';
  latencyMs: number | null;
  createdAt: string;
}

/**
 * Sends one signed `POST /node/status`, as a bridge node does, and answers
 * the number of entries stored (null when the service refused the request).
 *
 * @example
 * const stored = await sendStatus(base, node, timestamp, [{ bucketId, status: 'ONLINE', latencyMs: 21, createdAt }]);
 */
export async function sendStatus(
  baseUrl: string,
  node: BenchNode,
  timestamp: number,
  entries: StatusEntry[],
): Promise<number | null> {
  const body = JSON.stringify({ ip: '10.9.9.9', region: 'bench', timestamp, buckets: entries });
  const response = await fetch(`${baseUrl}/node/status`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-node-id': node.id,
      'x-signature': sign(null, Buffer.from(body), node.privateKey).toString('base64'),
    },
    body,
  });
  const answer = (await response.json()) as { accepted?: number };
  return response.status === 200 ? (answer.accepted ?? 0) : null;
}
