import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { HttpError, type ApiClient } from '@flashback/bucket-stats-client';
import { cliClient } from '../cli/cli-client.js';
import { DEMO_BUCKETS, DEMO_FLEET, type DemoNode } from './demo-fleet.js';

/** A simulated node once the service knows it. */
export interface RegisteredNode extends DemoNode {
  id: string;
  /** Fresh for each run, kept in memory only: the demo's nodes live as long as the demo. */
  privateKey: KeyObject;
}

export interface DemoBucket {
  id: string;
  name: string;
}

/** Everything the demo created, as a user of the service would refer to it. */
export interface DemoAccount {
  userId: string;
  email: string;
  /** The demo user's bearer token (shown once by the service). */
  token: string;
  workspaceId: string;
  buckets: DemoBucket[];
  nodes: RegisteredNode[];
}

const DEMO_EMAIL = 'demo@example.com';

/**
 * The demo user. On a database that already holds one (a PostgreSQL the
 * demo filled before), a new address with the time in it: the service
 * rightly refuses to reuse an email, and the demo must not fail on that.
 */
async function createUser(operator: ApiClient, now: number): Promise<{ id: string; email: string }> {
  const name = 'Demo User';
  try {
    return (await operator.createUser({ email: DEMO_EMAIL, name })).user;
  } catch (error) {
    if (!(error instanceof HttpError && error.status === 409)) throw error;
    const email = `demo-${now.toString(36)}@example.com`;
    return (await operator.createUser({ email, name })).user;
  }
}

async function createNode(operator: ApiClient, node: DemoNode): Promise<RegisteredNode> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const { node: created } = await operator.createNode({
    ip: node.ip,
    host: node.host,
    region: node.region,
    provider: node.provider,
    version: node.version,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
  return { ...node, id: created.id, privateKey };
}

/**
 * Creates the demo's user, token, workspace, buckets and nodes through the
 * HTTP API, the way an operator and a user would: the operator makes the
 * user, their token and the nodes; the user makes the workspace (becoming
 * its ADMIN) and the buckets with that token.
 *
 * @example
 * const account = await createDemoAccount('http://127.0.0.1:3000', operatorToken, Date.now());
 */
export async function createDemoAccount(baseUrl: string, operatorToken: string, now: number): Promise<DemoAccount> {
  const operator = cliClient(baseUrl);
  operator.setAuthToken(operatorToken);
  const user = await createUser(operator, now);
  const { token } = await operator.createUserToken(user.id, { name: 'demo' });
  const member = cliClient(baseUrl);
  member.setAuthToken(token);
  const { workspace } = await member.createWorkspace({ name: 'Acme (demo)' });
  const buckets: DemoBucket[] = [];
  for (const bucket of DEMO_BUCKETS) {
    const { bucketId } = await member.createStorageBucket({ ...bucket, workspaceId: workspace.id });
    buckets.push({ id: bucketId, name: bucket.name });
  }
  const nodes: RegisteredNode[] = [];
  for (const node of DEMO_FLEET) nodes.push(await createNode(operator, node));
  return { userId: user.id, email: user.email, token, workspaceId: workspace.id, buckets, nodes };
}
