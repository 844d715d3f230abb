import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Database } from '../../src/store/database-schema.js';
import { createBucket, createMember, createToken, createUser, createWorkspace, importReports } from './fixtures.js';
import {
  assertErrorShape,
  describeRequest,
  expectedStatuses,
  flawed,
  type Hostile,
  type RawCase,
  rawExchange,
  toInject,
} from './hostile-requests.js';
import { SignedNode } from './node-signer.js';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from './test-app.js';
import { STORE_KINDS, type StoreKind } from './test-stores.js';

// Property-based hostile input (issue 8): thousands of generated malformed
// requests against every endpoint, on each store, one test file per group of
// routes. Each must get a 4xx in the error shape, with the status api.md's
// precedence gives its flaws; the stored data and the stats answers must be
// exactly as before. This is the stage every such file starts from.

// A failure shows the error of the failing request, not only the counterexample.
fc.configureGlobal({ includeErrorInReport: true });

export const NOW = '2024-02-01T12:00:00.000Z';
export const NOW_MS = Date.parse(NOW);
export const MIB = 1024 * 1024;
/** The timestamp of the node's last accepted request: a later one must be greater. */
export const LAST_NODE_TIMESTAMP = NOW_MS - 60_000;

export type Caller = 'operator' | 'owner' | 'reader' | 'outsider';

/** What the stage holds: an ADMIN and a reader of one workspace, an outsider with a workspace of their own, a node. */
export interface World {
  tokens: Record<Caller, string>;
  users: Record<Exclude<Caller, 'operator'> | 'candidate', string>;
  emails: string[];
  workspaceId: string;
  bucketId: string;
  otherBucketId: string;
  spareTokenId: string;
  rejectedTokens: string[];
  node: SignedNode;
}

const TABLES: Array<keyof Database> = [
  'users',
  'tokens',
  'workspaces',
  'workspace_members',
  'buckets',
  'nodes',
  'node_registrations',
  'series',
  'reports',
  'daily_rollups',
  'maintenance_versions',
  'settings',
];

/** Row count and a checksum of every row of every table. */
async function snapshot(t: TestApp): Promise<Record<string, { rows: number; sha256: string }>> {
  const result: Record<string, { rows: number; sha256: string }> = {};
  for (const table of TABLES) {
    const rows = (await t.store.db.selectFrom(table).selectAll().execute()) as unknown[];
    const lines = rows.map((row) =>
      JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)),
    );
    result[table] = { rows: rows.length, sha256: createHash('sha256').update(lines.sort().join('\n')).digest('hex') };
  }
  return result;
}

/**
 * Waits until each token's last use is stored: the call that used it need
 * not wait for that write, and a snapshot taken before it lands would see
 * the table change under the hostile requests.
 */
async function lastUseWritten(t: TestApp, tokenIds: string[]): Promise<void> {
  for (let tries = 0; ; tries++) {
    const rows = await t.store.db.selectFrom('tokens').select('last_used_at').where('id', 'in', tokenIds).execute();
    if (rows.length === tokenIds.length && rows.every((row) => row.last_used_at !== null)) return;
    assert.ok(tries < 200, `the last use of tokens ${tokenIds.join(', ')} was not stored within 2 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Users, tokens (a revoked and an expired one too), two workspaces with a bucket each, a node and its reports. */
async function buildWorld(t: TestApp): Promise<World> {
  const owner = await createMember(t, 'owner@example.com');
  const reader = await createMember(t, 'reader@example.com');
  const outsider = await createMember(t, 'outsider@example.com');
  const candidate = await createUser(t, 'candidate@example.com');
  const workspaceId = await createWorkspace(t, owner.userId);
  const bucketId = await createBucket(t, workspaceId);
  const added = await t.call({
    method: 'POST',
    url: `/workspace/${workspaceId}/users`,
    payload: { userId: reader.userId, role: 'READ' },
  });
  assert.equal(added.statusCode, 200, added.body);
  const otherBucketId = await createBucket(t, await createWorkspace(t, outsider.userId));
  const spare = await createToken(t, owner.userId);
  const revoked = await createToken(t, owner.userId);
  assert.equal((await t.call({ method: 'DELETE', url: `/token/${revoked.tokenId}` })).statusCode, 200);
  t.clock.current = NOW_MS - 10_000;
  const expired = await createToken(t, owner.userId, new Date(NOW_MS - 5_000).toISOString());
  t.clock.current = NOW_MS;
  const node = await SignedNode.create(t);
  const at = (iso: string, status: string, latencyMs: number | null) => ({
    nodeId: node.id,
    bucketId,
    at: iso,
    status,
    latencyMs,
  });
  await importReports(t, [
    at('2024-01-31T00:10:00.000Z', 'ONLINE', 40),
    at('2024-01-31T06:00:00.000Z', 'OFFLINE', null),
    at('2024-01-31T09:30:00.000Z', 'ONLINE', 55),
    at('2024-02-01T08:00:00.000Z', 'ONLINE', 30),
  ]);
  const reported = await node.send('/node/status', {
    ip: '10.0.0.1',
    region: 'us-east-1',
    timestamp: LAST_NODE_TIMESTAMP,
    buckets: [{ bucketId, status: 'ONLINE', latencyMs: 25, createdAt: '2024-02-01T11:50:00.000Z' }],
  });
  assert.equal(reported.statusCode, 200, reported.body);
  // Every valid token is used once now, so that last_used_at is already set before the snapshot.
  for (const token of [owner.token, reader.token, outsider.token, spare.token]) {
    assert.equal((await t.call({ method: 'GET', url: '/workspace', token })).statusCode, 200);
  }
  await lastUseWritten(t, [owner.tokenId, reader.tokenId, outsider.tokenId, spare.tokenId]);
  return {
    tokens: { operator: OPERATOR_TOKEN, owner: owner.token, reader: reader.token, outsider: outsider.token },
    users: { owner: owner.userId, reader: reader.userId, outsider: outsider.userId, candidate },
    emails: ['owner@example.com', 'reader@example.com', 'outsider@example.com', 'candidate@example.com'],
    workspaceId,
    bucketId,
    otherBucketId,
    spareTokenId: spare.tokenId,
    rejectedTokens: [revoked.token, expired.token],
    node,
  };
}

/**
 * One test file's app and world, and how hostile requests are sent to it and
 * their answers checked. Filled in by the `before` hook `useHostileStage` adds.
 */
export class HostileStage {
  t!: TestApp;
  w!: World;
  /** What the read endpoints answered before any hostile request: stats (2024-01-31, 2024-02-01), status, buckets, workspaces, tokens. */
  answers!: string[];
  readonly sent = { inject: 0, raw: 0, valid: 0 };
  private baseline!: Awaited<ReturnType<typeof snapshot>>;

  async open(kind: StoreKind): Promise<void> {
    this.t = await startTestApp(kind, { now: NOW });
    this.w = await buildWorld(this.t);
    this.baseline = await snapshot(this.t);
    this.answers = await this.readAnswers();
  }

  /** What the read endpoints answer: must not move while hostile requests come and go. */
  async readAnswers(): Promise<string[]> {
    const { w } = this;
    const calls: Array<{ method: 'GET' | 'POST'; url: string; payload?: object; token?: string }> = [
      { method: 'POST', url: `/bucket/${w.bucketId}/stats`, payload: { day: '2024-01-31' } },
      { method: 'POST', url: `/bucket/${w.bucketId}/stats`, payload: { day: '2024-02-01' }, token: w.tokens.reader },
      { method: 'GET', url: `/bucket/${w.bucketId}/status` },
      { method: 'GET', url: '/bucket' },
      { method: 'GET', url: '/workspace' },
      { method: 'GET', url: '/token', token: w.tokens.owner },
    ];
    const bodies: string[] = [];
    for (const call of calls) {
      const res = await this.t.call(call);
      assert.equal(res.statusCode, 200, `${call.method} ${call.url}: ${res.body}`);
      bodies.push(res.body);
    }
    return bodies;
  }

  async assertUnchanged(): Promise<void> {
    assert.deepEqual(await snapshot(this.t), this.baseline, 'the stored data changed');
    assert.deepEqual(await this.readAnswers(), this.answers, 'the read endpoints answer differently');
    const stats = JSON.parse(this.answers[0] as string) as { nodeStats: unknown[] };
    assert.ok(stats.nodeStats.length > 0, 'the baseline stats have numbers to compare');
  }

  /** Sends one hostile request and checks its answer against the statuses its flaws allow. */
  sendHostile = async (request: Hostile): Promise<void> => {
    const final = flawed(request);
    const options = toInject(final);
    const allowed = expectedStatuses(request.flaws, final);
    const where = describeRequest(options, request.flaws);
    this.sent.inject++;
    const res = await this.t.app.inject(options);
    assert.ok(
      allowed.includes(res.statusCode),
      `${where}\n→ ${res.statusCode} (expected ${allowed.join(' or ')}): ${res.body.slice(0, 300)}`,
    );
    assertErrorShape(res, where);
  };

  /** Sends raw bytes over a socket: the answer must be a whole 4xx in the error shape. */
  sendRaw = async (rawCase: RawCase): Promise<void> => {
    this.sent.raw++;
    if (!this.t.app.server.listening) await this.t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = this.t.app.server.address() as AddressInfo;
    const answer = await rawExchange(port, rawCase.bytes);
    const where = `${rawCase.what}: ${JSON.stringify(rawCase.bytes.subarray(0, 200).toString('latin1'))}`;
    assert.ok(answer.status >= 400 && answer.status < 500, `${where}\n→ ${answer.status}: ${answer.body.slice(0, 200)}`);
    assertErrorShape({ statusCode: answer.status, headers: answer.headers, body: answer.body }, where);
  };
}

/**
 * The stage of a `describe` block: an app on `kind` with the world built
 * before its tests, closed after them with a line saying how much was sent.
 *
 * @example
 * describe(`hostile input over HTTP (${kind})`, () => {
 *   const stage = useHostileStage(kind, 'over HTTP');
 *   it('answers unknown routes with 404', async () => { ... await stage.assertUnchanged(); });
 * });
 */
export function useHostileStage(kind: StoreKind, label: string): HostileStage {
  const stage = new HostileStage();
  let started = 0;
  before(async () => {
    started = Date.now();
    await stage.open(kind);
  });
  after(async () => {
    const { inject, raw, valid } = stage.sent;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `hostile input ${label} (${kind}): ${inject + raw} malformed requests (${inject} injected, ${raw} over sockets) ` +
        `and ${valid} valid ones with junk, in ${seconds} s`,
    );
    await stage.t.close();
  });
  return stage;
}

/** An endpoint as a generator of hostile requests. */
export interface EndpointModel {
  /** `METHOD /path`, as api.md names it. */
  name: string;
  runs: number;
  /** The endpoint's hostile requests against the stage's world, and those tried first on every run. */
  build: (w: World) => { requests: fc.Arbitrary<Hostile>; examples?: Hostile[] };
}

/**
 * The property of an endpoint: every generated malformed request gets a 4xx
 * in the error shape, and afterwards the stored data and the read answers
 * are as before. `examples`: the defects this test has found, so that they stay fixed.
 *
 * @example
 * itRefusesEveryMalformedRequest(stage, { name: 'GET /workspace', runs: 200, build: (w) => ({ requests }) });
 */
export function itRefusesEveryMalformedRequest(stage: HostileStage, model: EndpointModel): void {
  it(`${model.name}: every malformed request gets a 4xx in the error shape, and nothing is stored`, async () => {
    const { requests, examples = [] } = model.build(stage.w);
    const before = stage.sent.inject;
    await fc.assert(fc.asyncProperty(requests, stage.sendHostile), {
      numRuns: model.runs,
      examples: examples.map((example): [Hostile] => [example]),
    });
    assert.ok(stage.sent.inject - before >= model.runs, `only ${stage.sent.inject - before} of ${model.runs} requests sent`);
    await stage.assertUnchanged();
  });
}

/**
 * A test file's suite, once per store: the stage, then each endpoint's property.
 *
 * @example
 * describeHostileEndpoints('to the stats calls', [stats, status]);
 */
export function describeHostileEndpoints(label: string, models: readonly EndpointModel[]): void {
  for (const kind of STORE_KINDS) {
    describe(`hostile input ${label} (${kind})`, () => {
      const stage = useHostileStage(kind, label);
      for (const model of models) itRefusesEveryMalformedRequest(stage, model);
    });
  }
}
