import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { createBucket, createMember, createNode, createUser, createWorkspace, dayStats, stage } from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

for (const kind of STORE_KINDS) {
  describe(`errors (${kind})`, () => {
    let t: TestApp;
    let member: { token: string; bucketId: string };
    let foreignBucket: string;

    before(async () => {
      t = await startTestApp(kind, { now: '2024-02-01T12:00:00.000Z' });
      member = await stage(t, 'errors');
      const other = await createMember(t, 'other@example.com');
      foreignBucket = await createBucket(t, await createWorkspace(t, other.userId));
    });
    after(() => t.close());

    async function expectError(
      options: InjectOptions & { token?: string | null },
      status: number,
      message?: RegExp,
    ): Promise<void> {
      const res = await t.call({ token: member.token, ...options });
      assert.equal(res.statusCode, status, `${JSON.stringify(options.payload)}: ${res.body}`);
      const body = res.json<{ success: unknown; message: unknown }>();
      assert.deepEqual(Object.keys(body).sort(), ['message', 'success']);
      assert.equal(body.success, false);
      assert.equal(typeof body.message, 'string');
      if (message) assert.match(body.message as string, message);
    }

    const statsCall = (body: unknown, extra: InjectOptions & { token?: string | null } = {}) => ({
      method: 'POST' as const,
      url: `/bucket/${member.bucketId}/stats`,
      ...(body !== undefined && { payload: body as string }),
      ...extra,
    });

    it('401: no, malformed, unknown token', async () => {
      await expectError(statsCall({ day: '2024-01-15' }, { token: null }), 401, /Authorization/);
      await expectError(
        statsCall({ day: '2024-01-15' }, { token: null, headers: { authorization: 'Basic abc' } }),
        401,
        /Bearer/,
      );
      await expectError(statsCall({ day: '2024-01-15' }, { token: 'fbk_nope' }), 401, /unknown token/);
    });

    it('400: malformed bucket id', async () => {
      await expectError(
        { method: 'POST', url: '/bucket/not-a-uuid/stats', payload: { day: '2024-01-15' } },
        400,
        /bucketId must be a UUID/,
      );
      await expectError({ method: 'POST', url: "/bucket/1'%20OR%20'1'='1/stats", payload: { day: '2024-01-15' } }, 400);
    });

    it('400: missing body, broken JSON, missing or non-string day', async () => {
      await expectError(statsCall(undefined), 400, /JSON object/);
      await expectError(statsCall('{"day": ', { headers: { 'content-type': 'application/json' } }), 400, /not valid JSON/);
      await expectError(statsCall({}), 400, /day/);
      await expectError(statsCall({ day: 20240115 }), 400, /day must be string/);
      await expectError(statsCall({ day: null }), 400, /day/);
      await expectError(statsCall([]), 400);
      await expectError(statsCall('"2024-01-15"', { headers: { 'content-type': 'application/json' } }), 400, /JSON object/);
    });

    it('400: unparseable, impossible, or wrongly formed days', async () => {
      for (const day of [
        'yesterday',
        '2025-02-30',
        '2024-13-01',
        '2024-1-5',
        ' 2024-01-15',
        '2024-01-15T10:00:00',
        '2024-01-15T10:00:00.1234Z',
        '2024-01-15T24:00:00Z',
        '2024-01-15T10:60:00Z',
        '2024-01-15T10:00:00+25:00',
        '2024-01-15 10:00:00Z',
        '',
      ]) {
        await expectError(statsCall({ day }), 400, /day must be a date/);
      }
    });

    it('400: a day after the current UTC day', async () => {
      await expectError(statsCall({ day: '2024-02-02' }), 400, /after the current UTC day/);
      // The current day itself is fine, also when named by an offset that is still "today" in UTC.
      assert.deepEqual(await dayStats(t, member.bucketId, '2024-02-01', member.token), []);
      assert.deepEqual(await dayStats(t, member.bucketId, '2024-02-02T01:00:00+02:00', member.token), []);
    });

    it('415: a body that is not JSON', async () => {
      await expectError(statsCall('day=2024-01-15', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
      await expectError(statsCall('2024-01-15', { headers: { 'content-type': 'text/plain' } }), 415);
    });

    it('400: a body that is not valid UTF-8', async () => {
      const bytes = Buffer.concat([Buffer.from('{"day": "2024-01-'), Buffer.from([0xff, 0xfe]), Buffer.from('15"}')]);
      await expectError(statsCall(bytes, { headers: { 'content-type': 'application/json' } }), 400, /UTF-8/);
    });

    it('413: a body over 1 MiB', async () => {
      await expectError(statsCall({ day: '2024-01-15', pad: 'x'.repeat(1024 * 1024) }), 413);
    });

    it('404: unknown bucket; 403: a bucket of another workspace', async () => {
      await expectError({ method: 'POST', url: `/bucket/${UNKNOWN_ID}/stats`, payload: { day: '2024-01-15' } }, 404, /no bucket/);
      await expectError({ method: 'POST', url: `/bucket/${foreignBucket}/stats`, payload: { day: '2024-01-15' } }, 403);
    });

    it('answers in the order 401, 413/415, 400, 404, 403', async () => {
      await expectError(
        { method: 'POST', url: '/bucket/bad/stats', payload: 'x', headers: { 'content-type': 'text/plain' }, token: null },
        401,
      );
      await expectError(
        { method: 'POST', url: '/bucket/bad/stats', payload: 'x', headers: { 'content-type': 'text/plain' } },
        415,
      );
      await expectError({ method: 'POST', url: `/bucket/${UNKNOWN_ID}/stats`, payload: { day: 'nope' } }, 400);
      await expectError({ method: 'POST', url: `/bucket/${foreignBucket}/stats`, payload: { day: '2099-01-01' } }, 400);
      await expectError({ method: 'POST', url: `/bucket/${UNKNOWN_ID}/stats`, payload: { day: '2024-01-15' } }, 404);
    });

    it('matches ids case-insensitively and answers them in lowercase', async () => {
      const upper = member.bucketId.toUpperCase();
      const res = await t.call({ method: 'GET', url: `/bucket/${upper}/status`, token: member.token });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<{ bucketId: string }>().bucketId, member.bucketId);
    });

    it('answers unknown routes and methods with the error shape', async () => {
      await expectError({ method: 'GET', url: '/nope' }, 404, /no such endpoint/);
      await expectError({ method: 'GET', url: `/bucket/${member.bucketId}/stats` }, 404);
    });

    it('409: an email already taken, in any case', async () => {
      await createUser(t, 'taken@example.com');
      await expectError(
        { method: 'POST', url: '/admin/users', payload: { email: 'TAKEN@example.com', name: 'x' }, token: undefined },
        409,
        /taken/,
      );
    });

    it('400: names that are empty, too long or hold control characters', async () => {
      const workspace = (name: string) => ({ method: 'POST' as const, url: '/workspace', payload: { name } });
      await expectError(workspace('   '), 400, /^name must be 1-200 characters after trimming$/);
      await expectError(workspace('x'.repeat(201)), 400, /1-200/);
      await expectError(workspace('bad\u0007name'), 400, /^name may not contain control characters$/);
      await expectError(workspace('half \ud800 pair'), 400, /^name holds half of a surrogate pair, which is no character$/);
      await expectError(workspace(`${' '.repeat(1000)}x`), 400, /^name must be at most 1000 characters with its surrounding/);
      // 200 characters after trimming is a name, whatever whitespace surrounds them; it is stored trimmed.
      const padded = await t.call({ token: member.token, ...workspace(` ${'w'.repeat(200)}\t`) });
      assert.equal(padded.statusCode, 201, padded.body);
      assert.equal(padded.json<{ workspace: { name: string } }>().workspace.name, 'w'.repeat(200));
    });

    it('400: a field that breaks its limits is named as sent, with the rule it breaks', async () => {
      const nodeId = await createNode(t);
      const registration = (fields: Record<string, unknown>) => ({
        method: 'POST' as const,
        url: `/admin/nodes/${nodeId}/registrations`,
        payload: { at: '2024-01-15T00:00:00Z', ...fields },
        token: undefined,
      });
      await expectError(
        registration({ at: '2024-02-30T00:00:00Z' }),
        400,
        /^at must be an RFC 3339 date-time with an offset and at most 3 fractional digits, e\.g\. 2024-01-15T10:30:00\.000Z; got "2024-02-30T00:00:00Z"$/,
      );
      await expectError(registration({ ip: '1.2.3' }), 400, /^ip must be an IPv4 or IPv6 address$/);
      const host = /^host must be 1-253 characters of a-z, 0-9, "\.", "-" and "\*"$/;
      await expectError(registration({ host: 'h'.repeat(254) }), 400, host);
      await expectError(registration({ host: 'Node.example.com' }), 400, host);
      await expectError(registration({ region: 'eu\u0000west' }), 400, /^region may not contain control characters$/);
    });

    it('/admin/reports: a bad entry is a 400 naming its index, and nothing is stored', async () => {
      const { bucketId } = await stage(t, 'import');
      const nodeId = await createNode(t);
      const good = { nodeId, bucketId, at: '2024-01-15T06:00:00.000Z', status: 'ONLINE', latencyMs: 10 };
      const cases: Array<[unknown, RegExp]> = [
        [{ ...good, status: 'UP' }, /reports\[1\]\.status must be one of ONLINE, OFFLINE, DISCONNECTED/],
        [{ ...good, at: '2024-01-15' }, /reports\[1\]\.at must be an RFC 3339/],
        [{ ...good, nodeId: UNKNOWN_ID }, /reports\[1\]\.nodeId: no node/],
        [{ ...good, bucketId: UNKNOWN_ID }, /reports\[1\]\.bucketId: no bucket/],
        [{ ...good, latencyMs: -1 }, /reports\[1\]\.latencyMs/],
        [{ ...good, at: '2024-02-01T12:06:00.000Z' }, /reports\[1\]\.at is more than 300 s ahead/],
      ];
      for (const [bad, message] of cases) {
        await expectError(
          { method: 'POST', url: '/admin/reports', payload: { reports: [good, bad] }, token: undefined },
          400,
          message,
        );
      }
      assert.deepEqual(await dayStats(t, bucketId, '2024-01-15'), []);
      const tooMany = Array.from({ length: 10_001 }, () => good);
      await expectError(
        { method: 'POST', url: '/admin/reports', payload: { reports: tooMany }, token: undefined },
        413,
        /at most 10000/,
      );
    });
  });
}
