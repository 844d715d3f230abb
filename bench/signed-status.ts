import { Agent, request } from 'node:http';
import { sign } from 'node:crypto';
import type { BenchNode } from './seed-history.js';

export interface StatusEntry {
  bucketId: string;
  status: 'ONLINE' | 'OFFLINE' | 'DISCONNECTED';
  latencyMs: number | null;
  createdAt: string;
}

/** A `POST /node/status` body and its headers, signed as a bridge node signs it. */
export interface SignedStatus {
  nodeId: string;
  body: Buffer;
  signature: string;
}

export function signStatus(node: BenchNode, timestamp: number, entries: StatusEntry[]): SignedStatus {
  const body = Buffer.from(JSON.stringify({ ip: '10.9.9.9', region: 'bench', timestamp, buckets: entries }));
  return { nodeId: node.id, body, signature: sign(null, body, node.privateKey).toString('base64') };
}

// node:http with kept-alive connections costs the load generator less CPU per
// request than fetch; it shares the machine's two cores with the service.
const agent = new Agent({ keepAlive: true });

/**
 * Sends one signed status and answers the number of entries stored (null
 * when the service refused the request).
 */
export function postStatus(baseUrl: string, signed: SignedStatus): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/node/status`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': signed.body.length,
          'x-node-id': signed.nodeId,
          'x-signature': signed.signature,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) return resolve(null);
          const answer = JSON.parse(Buffer.concat(chunks).toString()) as { accepted?: number };
          resolve(answer.accepted ?? 0);
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(signed.body);
  });
}

/**
 * Signs and sends one `POST /node/status`, as a bridge node does.
 *
 * @example
 * const stored = await sendStatus(base, node, timestamp, [{ bucketId, status: 'ONLINE', latencyMs: 21, createdAt }]);
 */
export function sendStatus(baseUrl: string, node: BenchNode, timestamp: number, entries: StatusEntry[]): Promise<number | null> {
  return postStatus(baseUrl, signStatus(node, timestamp, entries));
}
