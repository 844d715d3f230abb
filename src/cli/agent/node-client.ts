import { sign, type KeyObject } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type {
  BucketStatusEntry,
  NodeStatusRequest,
  NodeStatusResponse,
  RegisterNodeRequest,
} from '../../http/schemas/node-report-schemas.js';
import { requestJson, serviceUrl } from '../http-json.js';

/** What a node registers (`POST /node/register` without its timestamp). */
export type NodeRegistration = Omit<RegisterNodeRequest, 'timestamp'>;
/** One bucket's state as a node saw it at `createdAt`. */
export type StatusEntry = Static<typeof BucketStatusEntry>;
export type StatusAnswer = Static<typeof NodeStatusResponse>;

export interface NodeClientOptions {
  /** The service's base URL. */
  serviceUrl: string;
  nodeId: string;
  privateKey: KeyObject;
  /** Milliseconds since the epoch; the source of each request's `timestamp`. */
  now?: () => number;
  fetch?: typeof fetch;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

/**
 * Base64 of the Ed25519 signature of exactly `body`: the `X-Signature` header.
 *
 * @example
 * signBody('{"timestamp":1705314600000}', privateKey) // 'mZ0Y...=='
 */
export function signBody(body: string, privateKey: KeyObject): string {
  return sign(null, Buffer.from(body), privateKey).toString('base64');
}

/**
 * A bridge node's side of api.md's "Signed node requests": each body gets a
 * `timestamp` greater than the last one this client sent, is signed as the
 * exact bytes sent, and goes out with `X-Node-Id` and `X-Signature`. Errors
 * are `ServiceError` / `ServiceUnreachableError`.
 *
 * @example
 * const node = new NodeClient({ serviceUrl: 'http://127.0.0.1:3000', nodeId, privateKey });
 * await node.register({ ip: '10.0.0.1', region: 'us-east-1', provider: 'aws', version: '1.2.3' });
 * const { accepted, rejected } = await node.sendStatus({ ip: '10.0.0.1', region: 'us-east-1', buckets: entries });
 */
export class NodeClient {
  private lastTimestamp = 0;

  constructor(private readonly options: NodeClientOptions) {}

  get nodeId(): string {
    return this.options.nodeId;
  }

  register(registration: NodeRegistration): Promise<{ success: boolean; message: string }> {
    return this.send('/node/register', registration);
  }

  sendStatus(status: Omit<NodeStatusRequest, 'timestamp'>): Promise<StatusAnswer> {
    return this.send('/node/status', status);
  }

  /** Now, or one more than the last timestamp when the clock has not moved (or went back). */
  private nextTimestamp(): number {
    const now = Math.floor((this.options.now ?? Date.now)());
    this.lastTimestamp = now > this.lastTimestamp ? now : this.lastTimestamp + 1;
    return this.lastTimestamp;
  }

  private send<T>(path: string, fields: object): Promise<T> {
    const body = JSON.stringify({ ...fields, timestamp: this.nextTimestamp() });
    return requestJson<T>({
      method: 'POST',
      url: serviceUrl(this.options.serviceUrl, path),
      headers: { 'x-node-id': this.options.nodeId, 'x-signature': signBody(body, this.options.privateKey) },
      body,
      ...(this.options.fetch && { fetch: this.options.fetch }),
      ...(this.options.timeoutMs !== undefined && { timeoutMs: this.options.timeoutMs }),
    });
  }
}
