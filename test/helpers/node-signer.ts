import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { createNode, type NodeFields } from './fixtures.js';
import type { TestApp } from './test-app.js';

/** An Ed25519 key pair as a bridge node holds it. */
export interface NodeKeys {
  publicKeyPem: string;
  privateKey: KeyObject;
}

export function generateNodeKeys(): NodeKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

/** Base64 of the Ed25519 signature of exactly `body`, as a node sends it in X-Signature. */
export function signBody(body: string, privateKey: KeyObject): string {
  return sign(null, Buffer.from(body), privateKey).toString('base64');
}

export interface SendOptions {
  /** Sign with this key instead of the node's own. */
  signWith?: KeyObject;
  /** Replace the computed signature (null: no X-Signature header). */
  signature?: string | null;
  /** Replace the node id header (null: no X-Node-Id header). */
  nodeId?: string | null;
  /** Sign this text but send `body` (a tampered request). */
  signedText?: string;
  contentType?: string;
}

/**
 * A bridge node of a test app: it signs every body with its own key, the
 * way a real node would, and lets a test forge any part of a request.
 *
 * @example
 * const node = await SignedNode.create(t);
 * const res = await node.send('/node/status', { ip, region, timestamp: t.clock.now(), buckets: [] });
 */
export class SignedNode {
  constructor(
    private readonly t: TestApp,
    readonly id: string,
    readonly keys: NodeKeys,
  ) {}

  /** Creates the node through `POST /admin/nodes` with a fresh key pair. */
  static async create(t: TestApp, fields: NodeFields = {}): Promise<SignedNode> {
    const keys = generateNodeKeys();
    return new SignedNode(t, await createNode(t, { ...fields, publicKey: keys.publicKeyPem }), keys);
  }

  /** POSTs `body` (an object is sent as its JSON text) signed with the node's key. */
  send(url: string, body: unknown, options: SendOptions = {}): Promise<LightMyRequestResponse> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const signature =
      options.signature !== undefined
        ? options.signature
        : signBody(options.signedText ?? text, options.signWith ?? this.keys.privateKey);
    const nodeId = options.nodeId !== undefined ? options.nodeId : this.id;
    return this.t.app.inject({
      method: 'POST',
      url,
      payload: text,
      headers: {
        'content-type': options.contentType ?? 'application/json',
        ...(nodeId !== null && { 'x-node-id': nodeId }),
        ...(signature !== null && { 'x-signature': signature }),
      },
    });
  }
}

/** One entry of a `/node/status` request, with its instant as epoch milliseconds. */
export interface StatusEntry {
  bucketId: string;
  at: number;
  status: 'ONLINE' | 'OFFLINE' | 'DISCONNECTED';
  latencyMs: number | null;
}

/**
 * The body of a `/node/status` request carrying `entries`, as a bridge node
 * sends it (sign its JSON).
 *
 * @example
 * const body = JSON.stringify(statusRequest(Date.now(), [{ bucketId, at: Date.now(), status: 'ONLINE', latencyMs: 12 }]));
 */
export function statusRequest(timestamp: number, entries: readonly StatusEntry[]) {
  return {
    ip: '10.0.0.1',
    region: 'eu-west-1',
    timestamp,
    buckets: entries.map((e) => ({
      bucketId: e.bucketId,
      status: e.status,
      latencyMs: e.latencyMs,
      createdAt: new Date(e.at).toISOString(),
    })),
  };
}
