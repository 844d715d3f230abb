import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBucket, createMember, createNode, createToken, createWorkspace, importReports } from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

for (const kind of STORE_KINDS) {
  describe(`access rules (${kind})`, () => {
    let t: TestApp;
    const users: Record<string, { userId: string; token: string; tokenId: string }> = {};
    let workspaceId: string;
    let bucketId: string;

    const stats = (token: string | null, id = bucketId) =>
      t.call({ method: 'POST', url: `/bucket/${id}/stats`, payload: { day: '2024-01-15' }, token });

    before(async () => {
      t = await startTestApp(kind, { now: '2024-02-01T00:00:00.000Z' });
      for (const name of ['admin', 'writer', 'reader', 'outsider', 'removed'])
        users[name] = await createMember(t, `${name}@example.com`);
      const u = (name: string) => users[name] as { userId: string; token: string };
      workspaceId = await createWorkspace(t, u('admin').userId);
      bucketId = await createBucket(t, workspaceId);
      for (const [name, role] of [
        ['writer', 'WRITE'],
        ['reader', 'READ'],
        ['removed', 'READ'],
      ] as const) {
        const res = await t.call({
          method: 'POST',
          url: `/workspace/${workspaceId}/users`,
          payload: { userId: u(name).userId, role },
          token: u('admin').token,
        });
        assert.equal(res.statusCode, 200, res.body);
      }
      const removal = await t.call({
        method: 'DELETE',
        url: `/workspace/${workspaceId}/users/${u('removed').userId}`,
        token: u('admin').token,
      });
      assert.equal(removal.statusCode, 200, removal.body);
      const nodeId = await createNode(t);
      await importReports(t, [{ nodeId, bucketId, at: '2024-01-15T06:00:00.000Z', status: 'ONLINE', latencyMs: 40 }]);
    });
    after(() => t.close());

    const token = (name: string): string => (users[name] as { token: string }).token;

    it('lets every role and the operator read stats', async () => {
      for (const name of ['admin', 'writer', 'reader']) {
        const res = await stats(token(name));
        assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
        assert.equal(res.json<{ nodeStats: unknown[] }>().nodeStats.length, 1);
      }
      assert.equal((await stats(null)).statusCode, 401);
      const operator = await t.call({ method: 'POST', url: `/bucket/${bucketId}/stats`, payload: { day: '2024-01-15' } });
      assert.equal(operator.statusCode, 200);
    });

    it('refuses a non-member and a removed member with 403', async () => {
      for (const name of ['outsider', 'removed']) {
        const res = await stats(token(name));
        assert.equal(res.statusCode, 403, name);
        assert.equal(res.json<{ success: boolean }>().success, false);
        assert.match(res.json<{ message: string }>().message, /not in any of your workspaces/);
      }
      const status = await t.call({ method: 'GET', url: `/bucket/${bucketId}/status`, token: token('outsider') });
      assert.equal(status.statusCode, 403);
    });

    it('answers 404 for a bucket that does not exist, even to an outsider', async () => {
      const res = await stats(token('outsider'), '00000000-0000-4000-8000-000000000000');
      assert.equal(res.statusCode, 404);
    });

    it('lets WRITE and ADMIN create and delete buckets, not READ', async () => {
      const create = (name: string) =>
        t.call({ method: 'POST', url: '/bucket', payload: { name: 'b', workspaceId }, token: token(name) });
      assert.equal((await create('reader')).statusCode, 403);
      assert.equal((await create('outsider')).statusCode, 403);
      const created = await create('writer');
      assert.equal(created.statusCode, 201);
      const id = created.json<{ bucketId: string }>().bucketId;
      assert.equal((await t.call({ method: 'DELETE', url: `/bucket/${id}`, token: token('reader') })).statusCode, 403);
      assert.equal((await t.call({ method: 'DELETE', url: `/bucket/${id}`, token: token('writer') })).statusCode, 200);
      assert.equal((await t.call({ method: 'DELETE', url: `/bucket/${id}`, token: token('writer') })).statusCode, 404);
    });

    it('lists buckets and workspaces to members only', async () => {
      const list = (name: string) => t.call({ method: 'GET', url: `/bucket?workspaceId=${workspaceId}`, token: token(name) });
      assert.equal((await list('outsider')).statusCode, 403);
      const listed = await list('reader');
      assert.equal(listed.statusCode, 200);
      assert.deepEqual(
        listed.json<{ buckets: Array<{ id: string }> }>().buckets.map((b) => b.id),
        [bucketId],
      );
      const all = await t.call({ method: 'GET', url: '/bucket', token: token('outsider') });
      assert.deepEqual(all.json<{ buckets: unknown[] }>().buckets, []);
      const workspaces = await t.call({ method: 'GET', url: '/workspace', token: token('reader') });
      assert.deepEqual(workspaces.json<{ workspaces: unknown[] }>().workspaces, [
        { id: workspaceId, name: 'workspace', role: 'READ' },
      ]);
    });

    it('lets only ADMIN manage members, and keeps a last ADMIN', async () => {
      const member = await createMember(t, `member-${kind}@example.com`);
      const add = (name: string) =>
        t.call({
          method: 'POST',
          url: `/workspace/${workspaceId}/users`,
          payload: { userId: member.userId, role: 'READ' },
          token: token(name),
        });
      assert.equal((await add('writer')).statusCode, 403);
      assert.equal((await add('admin')).statusCode, 200);
      assert.equal((await add('admin')).statusCode, 409);
      const promote = await t.call({
        method: 'PUT',
        url: `/workspace/${workspaceId}/users/${member.userId}`,
        payload: { role: 'WRITE' },
        token: token('admin'),
      });
      assert.equal(promote.statusCode, 200);
      const adminId = (users.admin as { userId: string }).userId;
      const demoteLast = await t.call({
        method: 'PUT',
        url: `/workspace/${workspaceId}/users/${adminId}`,
        payload: { role: 'READ' },
        token: token('admin'),
      });
      assert.equal(demoteLast.statusCode, 409);
      const removeLast = await t.call({
        method: 'DELETE',
        url: `/workspace/${workspaceId}/users/${adminId}`,
        token: token('admin'),
      });
      assert.equal(removeLast.statusCode, 409);
    });

    it('stops a revoked token at once, and only its owner or the operator may revoke it', async () => {
      const reader = users.reader as { userId: string; token: string };
      const second = await createToken(t, reader.userId);
      const listed = await t.call({ method: 'GET', url: '/token', token: reader.token });
      const tokens = listed.json<{ tokens: Array<Record<string, unknown>> }>().tokens;
      assert.equal(tokens.length, 2);
      assert.ok(tokens.every((tk) => !('token' in tk) && !('token_hash' in tk)));
      const byOther = await t.call({ method: 'DELETE', url: `/token/${second.tokenId}`, token: token('writer') });
      assert.equal(byOther.statusCode, 403);
      assert.equal((await stats(second.token)).statusCode, 200);
      const revoke = await t.call({ method: 'DELETE', url: `/token/${second.tokenId}`, token: reader.token });
      assert.equal(revoke.statusCode, 200);
      const after = await stats(second.token);
      assert.equal(after.statusCode, 401);
      assert.match(after.json<{ message: string }>().message, /revoked/);
      assert.equal((await stats(reader.token)).statusCode, 200);
    });

    it('stops an expired token', async () => {
      const reader = users.reader as { userId: string };
      const expiring = await createToken(t, reader.userId, '2024-02-01T01:00:00.000Z');
      assert.equal((await stats(expiring.token)).statusCode, 200);
      t.clock.set('2024-02-01T01:00:00.000Z');
      const res = await stats(expiring.token);
      assert.equal(res.statusCode, 401);
      assert.match(res.json<{ message: string }>().message, /expired/);
      t.clock.set('2024-02-01T00:00:00.000Z');
    });

    it('keeps operator calls to the operator', async () => {
      const res = await t.call({
        method: 'POST',
        url: '/admin/users',
        payload: { email: 'x@example.com', name: 'x' },
        token: token('admin'),
      });
      assert.equal(res.statusCode, 403);
    });
  });
}
