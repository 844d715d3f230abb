import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { createBucket, createMember, createWorkspace } from './helpers/fixtures.js';
import { assertErrorShape } from './helpers/hostile-requests.js';
import { signBody, SignedNode, statusRequest } from './helpers/node-signer.js';
import { CredentialLookups } from '../src/http/credential-lookups.js';
import { startTestApp, TestClock, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const BUDGET = 20;
const DAY = { day: '2024-01-31' };

/** Asserts a 429 in the API's shape, with the seconds to wait. */
function assertTooMany(res: LightMyRequestResponse, where: string): void {
  assert.equal(res.statusCode, 429, `${where}: ${res.body}`);
  const wait = Number(res.headers['retry-after']);
  assert.ok(wait >= 1 && wait <= 60, `${where}: Retry-After ${String(res.headers['retry-after'])}`);
  assertErrorShape(res, where);
}

for (const kind of STORE_KINDS) {
  describe(`throttling before authentication (${kind})`, () => {
    let t: TestApp;
    let member: { token: string };
    let statsUrl: string;
    let nextAddress = 0;
    // Each check of the metrics comes from an address of its own, so that it spends no one else's budget.
    const lookups = async (credential: 'token' | 'node', answeredBy: 'store' | 'unknown_cache'): Promise<number> => {
      const res = await t.call({ method: 'GET', url: '/metrics', token: null, remoteAddress: `192.0.2.${++nextAddress}` });
      const line = res.body
        .split('\n')
        .find((l) => l.startsWith(`fbstats_credential_lookups_total{credential="${credential}",answered_by="${answeredBy}"}`));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    const stats = (token: string, remoteAddress: string) =>
      t.call({ method: 'POST', url: statsUrl, token, payload: DAY, remoteAddress });
    /** A signed /node/status from `remoteAddress`, signed by `node`'s key unless `signature` replaces it. */
    const nodeStatus = (node: SignedNode, remoteAddress: string, options: { nodeId?: string; signature?: string } = {}) => {
      const text = JSON.stringify(statusRequest(t.clock.now() + ++nextAddress, []));
      return t.app.inject({
        method: 'POST',
        url: '/node/status',
        remoteAddress,
        payload: text,
        headers: {
          'content-type': 'application/json',
          'x-node-id': options.nodeId ?? node.id,
          'x-signature': options.signature ?? signBody(text, node.keys.privateKey),
        },
      });
    };

    before(async () => {
      t = await startTestApp(kind, { now: '2024-01-31T12:00:00.000Z', env: { RATE_LIMIT_PER_MINUTE: String(BUDGET) } });
      const owner = await createMember(t, 'owner@example.com');
      member = owner;
      statsUrl = `/bucket/${await createBucket(t, await createWorkspace(t, owner.userId))}/stats`;
    });
    after(() => t.close());

    it('answers a flood of unknown bearer tokens from one address 429 from the first call past the budget, with no store lookup', async () => {
      const before = await lookups('token', 'store');
      const statuses: number[] = [];
      for (let i = 0; i < 3 * BUDGET; i++) {
        const res = await stats(`fbk_${randomBytes(16).toString('hex')}`, '203.0.113.7');
        statuses.push(res.statusCode);
        if (res.statusCode === 429) assertTooMany(res, `flood call ${i + 1}`);
        // A member calling from elsewhere meanwhile is not held up.
        if (i % 5 === 0) assert.equal((await stats(member.token, '198.51.100.1')).statusCode, 200);
      }
      assert.deepEqual(statuses, [...Array<number>(BUDGET).fill(401), ...Array<number>(2 * BUDGET).fill(429)]);
      // One store lookup per token the address could still try; the member's calls add at most theirs.
      const looked = (await lookups('token', 'store')) - before;
      assert.ok(looked >= BUDGET && looked <= BUDGET + (3 * BUDGET) / 5, `${looked} token lookups`);
    });

    it('answers a flood of forged node requests (random X-Node-Id, junk signature) 429 past the budget, with no store lookup', async () => {
      const real = await SignedNode.create(t);
      const before = await lookups('node', 'store');
      const statuses: number[] = [];
      for (let i = 0; i < 3 * BUDGET; i++) {
        const res = await nodeStatus(real, '203.0.113.8', {
          nodeId: randomUUID(),
          signature: randomBytes(64).toString('base64'),
        });
        statuses.push(res.statusCode);
        if (res.statusCode === 429) assertTooMany(res, `forged call ${i + 1}`);
      }
      assert.deepEqual(statuses, [...Array<number>(BUDGET).fill(401), ...Array<number>(2 * BUDGET).fill(429)]);
      assert.equal((await lookups('node', 'store')) - before, BUDGET);
      // The real node, elsewhere, is not held up.
      assert.equal((await nodeStatus(real, '198.51.100.2')).statusCode, 200);
    });

    it('gives each verified node its own budget: nodes sharing one address (NAT) all report', async () => {
      const nodes = [await SignedNode.create(t), await SignedNode.create(t), await SignedNode.create(t)];
      // 3 × 15 = 45 calls from one address, more than its budget of 20, none more than a node's.
      for (let round = 0; round < 15; round++) {
        for (const [i, node] of nodes.entries()) {
          const res = await nodeStatus(node, '203.0.113.9');
          assert.equal(res.statusCode, 200, `node ${i}, round ${round}: ${res.body}`);
        }
      }
      // The address itself spent only the nodes' first calls: an unknown caller there still has budget.
      const anonymous = await t.call({ method: 'GET', url: '/healthz', token: null, remoteAddress: '203.0.113.9' });
      assert.equal(anonymous.statusCode, 200);
      // A node past its own budget is refused, the others not.
      for (let i = 0; i < 5; i++) assert.equal((await nodeStatus(nodes[0] as SignedNode, '203.0.113.9')).statusCode, 200);
      assertTooMany(await nodeStatus(nodes[0] as SignedNode, '203.0.113.9'), 'node 0 past its budget');
      assert.equal((await nodeStatus(nodes[1] as SignedNode, '203.0.113.9')).statusCode, 200);
    });

    it("keeps a verified node's budget when its address is flooded, and charges forgeries naming it to the forger", async () => {
      const node = await SignedNode.create(t);
      assert.equal((await nodeStatus(node, '203.0.113.10')).statusCode, 200);
      for (let i = 0; i < BUDGET; i++) await stats('fbk_junk', '203.0.113.10');
      assertTooMany(await stats('fbk_junk', '203.0.113.10'), 'the flooded address');
      assert.equal((await nodeStatus(node, '203.0.113.10')).statusCode, 200, 'the verified node behind it');
      // Forgeries naming the node, from elsewhere: the first is a 401, then the forger's address is spent.
      const forger = '203.0.113.11';
      const forged: number[] = [];
      for (let i = 0; i < BUDGET + 2; i++) {
        forged.push((await nodeStatus(node, forger, { signature: randomBytes(64).toString('base64') })).statusCode);
      }
      assert.deepEqual(forged, [...Array<number>(BUDGET).fill(401), 429, 429]);
      // The node, from a fresh address of its own, still reports.
      assert.equal((await nodeStatus(node, '203.0.113.12')).statusCode, 200);
    });

    it('remembers an unknown token or node id for a second: repeating it costs one store lookup', async () => {
      const token = `fbk_${randomBytes(16).toString('hex')}`;
      const nodeId = randomUUID();
      const node = await SignedNode.create(t);
      const tokenBefore = [await lookups('token', 'store'), await lookups('token', 'unknown_cache')];
      const nodeBefore = [await lookups('node', 'store'), await lookups('node', 'unknown_cache')];
      for (let i = 0; i < 10; i++) {
        assert.equal((await stats(token, '203.0.113.13')).statusCode, 401);
        assert.equal((await nodeStatus(node, '203.0.113.14', { nodeId })).statusCode, 401);
      }
      assert.deepEqual(
        [
          (await lookups('token', 'store')) - (tokenBefore[0] ?? 0),
          (await lookups('token', 'unknown_cache')) - (tokenBefore[1] ?? 0),
        ],
        [1, 9],
      );
      assert.deepEqual(
        [
          (await lookups('node', 'store')) - (nodeBefore[0] ?? 0),
          (await lookups('node', 'unknown_cache')) - (nodeBefore[1] ?? 0),
        ],
        [1, 9],
      );
      // A second later the store is asked again.
      t.clock.current += 1_001;
      assert.equal((await stats(token, '203.0.113.13')).statusCode, 401);
      assert.equal((await lookups('token', 'store')) - (tokenBefore[0] ?? 0), 2);
    });
  });
}

describe('CredentialLookups', () => {
  /** A store of one credential, counting its reads. */
  function fakeRecord() {
    const source = { record: undefined as { id: string } | undefined, reads: 0 };
    const read = async () => {
      source.reads++;
      return source.record;
    };
    return { source, read };
  }

  it('asks again about a credential created here, right after it was not found', async () => {
    const lookups = new CredentialLookups(new TestClock(0));
    const { source, read } = fakeRecord();
    assert.equal(await lookups.find('token', 'hash', read), undefined);
    assert.equal(await lookups.find('token', 'hash', read), undefined);
    assert.equal(source.reads, 1);
    source.record = { id: 'created' };
    lookups.forget('token', 'hash');
    assert.deepEqual(await lookups.find('token', 'hash', read), { id: 'created' });
  });

  it('does not remember a miss read while the credential was being created', async () => {
    const lookups = new CredentialLookups(new TestClock(0));
    const { source, read } = fakeRecord();
    let release = () => {};
    const readBeforeCreation = lookups.find(
      'node',
      'id',
      () => new Promise<undefined>((resolve) => (release = () => resolve(undefined))),
    );
    source.record = { id: 'created' };
    lookups.forget('node', 'id');
    release();
    assert.equal(await readBeforeCreation, undefined);
    assert.deepEqual(await lookups.find('node', 'id', read), { id: 'created' });
  });

  it("forgets a miss after a second of the app's clock", async () => {
    const clock = new TestClock(Date.parse('2024-01-31T12:00:00.000Z'));
    const lookups = new CredentialLookups(clock);
    const { source, read } = fakeRecord();
    await lookups.find('token', 'hash', read);
    clock.current += 1_000;
    await lookups.find('token', 'hash', read);
    assert.equal(source.reads, 1);
    clock.current += 1;
    await lookups.find('token', 'hash', read);
    assert.equal(source.reads, 2);
  });
});
