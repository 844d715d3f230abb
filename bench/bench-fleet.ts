import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { hashToken } from '../src/auth/token-secret.js';
import type { ServiceStore } from '../src/ingest/service-store.js';

/** The bench user's API token (a workspace owner's). */
export const USER_TOKEN = 'fbk_bench-user-token-0123456789';

export interface BenchNode {
  id: string;
  privateKey: KeyObject;
}

/**
 * The bench user, its token (`USER_TOKEN`) and a workspace it owns, in a
 * fresh store; answers the workspace's id.
 *
 * @example
 * const workspaceId = await createBenchAccount(store, Date.now());
 */
export async function createBenchAccount(store: ServiceStore, now: number): Promise<string> {
  const user = await store.users.create('bench@example.com', 'Bench', now);
  if (!user) throw new Error('bench user exists: the store is not fresh');
  await store.tokens.create(user.id, 'bench', hashToken(USER_TOKEN), null, now);
  return (await store.workspaces.create('bench', user.id, now)).id;
}

/**
 * `count` bridge nodes, each with a new Ed25519 key pair, spread over
 * three regions; the private keys stay here, to sign as the nodes do.
 *
 * @example
 * const nodes = await createBenchNodes(store, 10, Date.now());
 */
export async function createBenchNodes(store: ServiceStore, count: number, now: number): Promise<BenchNode[]> {
  const nodes: BenchNode[] = [];
  for (let i = 0; i < count; i++) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const region = ['us-east-1', 'eu-west-1', 'ap-south-1'][i % 3] as string;
    const node = await store.nodes.create(
      {
        ip: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        host: `node-${String(i).padStart(2, '0')}-${region}-aws.flashback.tech`,
        region,
        provider: 'aws',
        version: '1.2.3',
        publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      now,
    );
    nodes.push({ id: node.id, privateKey });
  }
  return nodes;
}
