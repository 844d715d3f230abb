import type { EnumOrValue, NodeStatusType } from './enums.js';

/**
 * A bridge node as it signs its calls: its id, and how it signs a body.
 * The client keeps no key; `sign` answers the base64 Ed25519 signature of
 * the UTF-8 bytes of `body`, which the client then sends unchanged.
 *
 * @example
 * const node: NodeSigner = { nodeId, sign: (body) => crypto.sign(null, Buffer.from(body), privateKey).toString('base64') };
 */
export interface NodeSigner {
  nodeId: string;
  sign(body: string): string | Promise<string>;
}

/**
 * The body of `registerNode`: what the node runs as from now on. `timestamp`
 * (epoch milliseconds) must be within 300 s of the service's clock and
 * greater than the last one the service accepted from the node.
 *
 * @example
 * const request: RegisterNodeRequest = { ip: '10.0.0.5', region: 'us-east-1', provider: 'aws', version: '1.2.3', timestamp: Date.now() };
 */
export interface RegisterNodeRequest {
  ip: string;
  region: string;
  provider: string;
  version: string;
  host?: string;
  timestamp: number;
}

/**
 * The answer of `registerNode`.
 *
 * @example
 * const { message } = await client.registerNode(node, request); // 'registered'
 */
export interface RegisterNodeResponse {
  success: boolean;
  message: string;
}

/**
 * One bucket as the node saw it at `createdAt`; `latencyMs` left out or
 * `null` means no measurement.
 *
 * @example
 * const entry: BucketStatusEntry = { bucketId, status: NodeStatusType.ONLINE, latencyMs: 40, createdAt: new Date() };
 */
export interface BucketStatusEntry {
  bucketId: string;
  status: EnumOrValue<NodeStatusType>;
  latencyMs?: number | null;
  createdAt: Date | string;
}

/**
 * The body of `sendNodeStatus`: up to 1000 entries; `timestamp` as in
 * `RegisterNodeRequest`. `ip` and `region` are informational.
 *
 * @example
 * const request: NodeStatusRequest = { ip: '10.0.0.5', region: 'us-east-1', timestamp: Date.now(), buckets: [entry] };
 */
export interface NodeStatusRequest {
  ip: string;
  region: string;
  timestamp: number;
  buckets: BucketStatusEntry[];
}

/**
 * An entry the service did not store, and why (an unknown bucket, a
 * `createdAt` too old or too far ahead).
 *
 * @example
 * for (const r of answer.rejected) console.warn(`${r.bucketId} at ${r.createdAt}: ${r.message}`);
 */
export interface RejectedEntry {
  bucketId: string;
  createdAt: string;
  message: string;
}

/**
 * The answer of `sendNodeStatus`: the entries stored, those that repeated a
 * stored one, and those rejected; the others were stored.
 *
 * @example
 * const { accepted, duplicates, rejected } = await client.sendNodeStatus(node, request);
 */
export interface NodeStatusResponse {
  success: boolean;
  accepted: number;
  duplicates: number;
  rejected: RejectedEntry[];
}
