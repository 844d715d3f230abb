import { sign, type KeyObject } from 'node:crypto';
import type {
  ApiClient,
  NodeSigner,
  NodeStatusRequest,
  NodeStatusResponse,
  RegisterNodeRequest,
  RegisterNodeResponse,
} from '@flashback/bucket-stats-client';
import type { Static } from '@sinclair/typebox';
import type { BucketStatusEntry } from '../../http/schemas/node-report-schemas.js';
import { cliClient } from '../cli-client.js';

/** What a node registers (`POST /node/register` without its timestamp). */
export type NodeRegistration = Omit<RegisterNodeRequest, 'timestamp'>;
/** One bucket's state as a node saw it at `createdAt`. */
export type StatusEntry = Static<typeof BucketStatusEntry>;
export type StatusAnswer = NodeStatusResponse;

export interface NodeClientOptions {
  /** The service's base URL. */
  serviceUrl: string;
  nodeId: string;
  privateKey: KeyObject;
  /** Milliseconds since the epoch; the source of each request's `timestamp`. */
  now?: () => number;
  fetch?: typeof fetch;
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
 * A bridge node as it talks to the service: its key signs, and each body
 * gets a `timestamp` greater than the last one it sent (api.md's "Signed
 * node requests"); the calls go through the service's client
 * (`registerNode`, `sendNodeStatus`), whose errors they throw.
 *
 * @example
 * const node = new NodeClient({ serviceUrl: 'http://127.0.0.1:3000', nodeId, privateKey });
 * await node.register({ ip: '10.0.0.1', region: 'us-east-1', provider: 'aws', version: '1.2.3' });
 * const { accepted, rejected } = await node.sendStatus({ ip: '10.0.0.1', region: 'us-east-1', buckets: entries });
 */
export class NodeClient {
  private lastTimestamp = 0;
  private readonly client: ApiClient;
  private readonly signer: NodeSigner;

  constructor(private readonly options: NodeClientOptions) {
    this.client = cliClient(options.serviceUrl, options.fetch);
    this.signer = { nodeId: options.nodeId, sign: (body) => signBody(body, options.privateKey) };
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  register(registration: NodeRegistration): Promise<RegisterNodeResponse> {
    return this.client.registerNode(this.signer, { ...registration, timestamp: this.nextTimestamp() });
  }

  sendStatus(status: Omit<NodeStatusRequest, 'timestamp'>): Promise<StatusAnswer> {
    return this.client.sendNodeStatus(this.signer, { ...status, timestamp: this.nextTimestamp() });
  }

  /** Now, or one more than the last timestamp when the clock has not moved (or went back). */
  private nextTimestamp(): number {
    const now = Math.floor((this.options.now ?? Date.now)());
    this.lastTimestamp = now > this.lastTimestamp ? now : this.lastTimestamp + 1;
    return this.lastTimestamp;
  }
}
