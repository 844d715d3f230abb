import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { TestApp } from './test-app.js';

/** One Ed25519 key pair for nodes that never sign anything in a test. */
export const NODE_KEYS = generateKeyPairSync('ed25519');
export const NODE_PUBLIC_PEM = NODE_KEYS.publicKey.export({ type: 'spki', format: 'pem' }).toString();

async function ok<T>(t: TestApp, options: Parameters<TestApp['call']>[0], status = 200): Promise<T> {
  const res = await t.call(options);
  assert.equal(res.statusCode, status, `${String(options.method)} ${JSON.stringify(options.url)}: ${res.body}`);
  return res.json<T>();
}

export async function createUser(t: TestApp, email: string, name = email.split('@')[0] ?? 'user'): Promise<string> {
  const body = await ok<{ user: { id: string } }>(t, { method: 'POST', url: '/admin/users', payload: { email, name } }, 201);
  return body.user.id;
}

export async function createToken(t: TestApp, userId: string, expiresAt?: string): Promise<{ tokenId: string; token: string }> {
  return ok(t, { method: 'POST', url: `/admin/users/${userId}/tokens`, payload: { name: 'test', expiresAt } }, 201);
}

/** A user with a token: what most tests start from. */
export async function createMember(t: TestApp, email: string): Promise<{ userId: string; token: string; tokenId: string }> {
  const userId = await createUser(t, email);
  return { userId, ...(await createToken(t, userId)) };
}

export async function createWorkspace(t: TestApp, ownerId: string, name = 'workspace'): Promise<string> {
  const body = await ok<{ workspace: { id: string } }>(t, { method: 'POST', url: '/workspace', payload: { name, ownerId } }, 201);
  return body.workspace.id;
}

/** Adds `userId` to the workspace with `role`, as its ADMIN `token` asks. */
export async function addMember(t: TestApp, workspaceId: string, userId: string, role: string, token: string): Promise<void> {
  await ok(t, { method: 'POST', url: `/workspace/${workspaceId}/users`, payload: { userId, role }, token });
}

export async function createBucket(t: TestApp, workspaceId: string, name = 'bucket'): Promise<string> {
  const body = await ok<{ bucketId: string }>(t, { method: 'POST', url: '/bucket', payload: { name, workspaceId } }, 201);
  return body.bucketId;
}

export interface NodeFields {
  ip?: string;
  host?: string;
  region?: string;
  provider?: string;
  version?: string;
  publicKey?: string;
}

export async function createNode(t: TestApp, fields: NodeFields = {}): Promise<string> {
  const payload = {
    ip: '192.168.1.100',
    host: '*-us-east-1-aws.flashback.tech',
    region: 'us-east-1',
    provider: 'aws',
    version: '1.0.0',
    publicKey: NODE_PUBLIC_PEM,
    ...fields,
  };
  const body = await ok<{ node: { id: string } }>(t, { method: 'POST', url: '/admin/nodes', payload }, 201);
  return body.node.id;
}

export interface ImportedReport {
  nodeId: string;
  bucketId: string;
  at: string;
  status: string;
  latencyMs?: number | null;
}

export async function importReports(t: TestApp, reports: ImportedReport[]): Promise<{ accepted: number; duplicates: number }> {
  return ok(t, { method: 'POST', url: '/admin/reports', payload: { reports } });
}

export interface NodeStatsEntry {
  ip: string;
  host: string;
  perc_uptime: number;
  avg_latency_ms: number | null;
  version: string;
  node_status: string;
  last_updated: string;
  last_latency_ms: number | null;
}

export async function dayStats(t: TestApp, bucketId: string, day: string, token?: string): Promise<NodeStatsEntry[]> {
  const body = await ok<{ success: boolean; nodeStats: NodeStatsEntry[] }>(t, {
    method: 'POST',
    url: `/bucket/${bucketId}/stats`,
    payload: { day },
    ...(token !== undefined && { token }),
  });
  assert.equal(body.success, true);
  return body.nodeStats;
}

/** A workspace owned by a fresh user, with one bucket: the usual stage for stats tests. */
export async function stage(
  t: TestApp,
  label: string,
): Promise<{ userId: string; token: string; workspaceId: string; bucketId: string }> {
  const member = await createMember(t, `${label}-${Math.random().toString(36).slice(2)}@example.com`);
  const workspaceId = await createWorkspace(t, member.userId);
  const bucketId = await createBucket(t, workspaceId);
  return { ...member, workspaceId, bucketId };
}
