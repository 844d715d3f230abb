import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { caseOf } from './helpers/hostile-generators.js';
import { assertErrorShape, extraFields, jsonMediaType, noiseHeaders, rawCases, withoutHost } from './helpers/hostile-requests.js';
import { type Caller, MIB, NOW, useHostileStage } from './helpers/hostile-stage.js';
import { OPERATOR_TOKEN } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

// Hostile HTTP across the endpoints: oversized bodies, unknown routes and methods, ids that are no
// URL text, junk around valid requests, and what Node's HTTP parser itself rejects.

for (const kind of STORE_KINDS) {
  describe(`hostile input over HTTP (${kind})`, () => {
    const stage = useHostileStage(kind, 'over HTTP');

    it('answers oversized bodies with 413 (over 1 MiB; over 8 MiB for /admin/reports)', async () => {
      const { t, w } = stage;
      const routes: Array<[string, string, number]> = [
        ['POST', `/bucket/${w.bucketId}/stats`, MIB],
        ['POST', '/bucket', MIB],
        ['POST', '/workspace', MIB],
        ['PUT', `/workspace/${w.workspaceId}/users/${w.users.reader}`, MIB],
        ['POST', '/admin/users', MIB],
        ['POST', '/admin/nodes', MIB],
        ['POST', '/admin/reports', 8 * MIB],
        ['DELETE', `/bucket/${w.bucketId}`, MIB],
      ];
      const oversized = fc.record({
        route: fc.constantFrom(...routes),
        over: fc.integer({ min: 1, max: 64 * 1024 }),
        json: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(oversized, async ({ route: [method, url, limit], over, json }) => {
          const payload = json ? `{"pad":"${'x'.repeat(limit + over)}"}` : 'x'.repeat(limit + over);
          stage.sent.inject++;
          const res = await t.call({ method, url, payload, headers: { 'content-type': 'application/json' } });
          assert.equal(res.statusCode, 413, `${method} ${url} with ${payload.length} B: ${res.body}`);
          assertErrorShape(res, `${method} ${url}`);
        }),
        { numRuns: 24 },
      );
      // Between 1 and 8 MiB, /admin/reports reads the body: a bad one is a 400, not a 413.
      const bulky = { reports: [{ nodeId: 'x', bucketId: w.bucketId, at: NOW, status: 'ONLINE' }], pad: 'x'.repeat(3 * MIB) };
      stage.sent.inject++;
      const res = await t.call({ method: 'POST', url: '/admin/reports', payload: bulky });
      assert.equal(res.statusCode, 400, res.body);
      await stage.assertUnchanged();
    });
    it('answers unknown routes and methods with 404 in the error shape', async () => {
      const { t, w } = stage;
      const known = new Set([
        'bucket',
        'workspace',
        'token',
        'admin',
        'node',
        'healthz',
        'readyz',
        'openapi.json',
        'docs',
        'assets',
      ]);
      const segment = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s !== '.' && s !== '..');
      const unknownPath = fc.oneof(
        fc
          .array(segment, { minLength: 1, maxLength: 4 })
          .filter(([first]) => !known.has(first as string))
          .map((parts) => `/${parts.map(encodeURIComponent).join('/')}`),
        fc.constantFrom(
          `/bucket/${w.bucketId}/stats/extra`,
          `/bucket/${w.bucketId}/status/`,
          '/workspace/',
          `/admin/users/${w.users.owner}/tokens/x`,
          `/workspace/${w.workspaceId}/users/${w.users.reader}/extra`,
          '/Bucket',
          '/WORKSPACE',
          '/HEALTHZ',
          '/node',
          '/admin',
          `/node/status/${w.node.id}`,
          '/%2e%2e/%2e%2e/etc/passwd',
          '/bucket%2F' + w.bucketId,
        ),
      );
      const wrongMethod = fc.constantFrom<[string, string]>(
        ['PUT', '/bucket'],
        ['PATCH', '/bucket'],
        ['GET', `/bucket/${w.bucketId}/stats`],
        ['POST', `/bucket/${w.bucketId}/status`],
        ['GET', `/bucket/${w.bucketId}`],
        ['POST', '/token'],
        ['GET', '/admin/users'],
        ['DELETE', '/admin/users'],
        ['GET', '/admin/reports'],
        ['GET', '/node/status'],
        ['PUT', '/node/register'],
        ['POST', '/healthz'],
        ['DELETE', '/readyz'],
        ['DELETE', '/workspace'],
        ['PATCH', `/workspace/${w.workspaceId}/users/${w.users.reader}`],
        ['GET', `/workspace/${w.workspaceId}/users`],
        ['OPTIONS', '/bucket'],
        ['OPTIONS', `/bucket/${w.bucketId}/stats`],
      );
      const requests = fc.record({
        target: fc.oneof(fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), unknownPath), wrongMethod),
        authorization: fc.oneof(fc.constant(undefined), fc.constant(`Bearer ${OPERATOR_TOKEN}`), fc.string({ maxLength: 30 })),
        body: fc.oneof(fc.constant(undefined), fc.constantFrom('{', '{"a":1}', 'x=1', '[]')),
        type: fc.constantFrom('application/json', 'text/plain'),
        noise: noiseHeaders,
      });
      await fc.assert(
        fc.asyncProperty(requests, async ({ target: [method, url], authorization, body, type, noise }) => {
          stage.sent.inject++;
          const res = await t.app.inject({
            method: method as 'GET',
            url,
            headers: {
              ...noise,
              ...(authorization !== undefined && { authorization }),
              ...(body !== undefined && { 'content-type': type }),
            },
            ...(body !== undefined && { payload: body }),
          });
          assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
          assertErrorShape(res, `${method} ${url}`);
        }),
        { numRuns: 500 },
      );
      await stage.assertUnchanged();
    });
    it('answers ids that are not even valid URL text, or longer than a router segment, with 400 in the error shape', async () => {
      const { t, w } = stage;
      const badSegment = fc.oneof(
        fc.constantFrom('%', '%Z', '%ZZ', '%C0%AF', '%E0%80', '%FF', '%ED%A0%80', 'a%2', `${w.bucketId}%`),
        fc.integer({ min: 101, max: 2000 }).map((n) => 'a'.repeat(n)),
        fc.integer({ min: 101, max: 500 }).map((n) => `${w.bucketId}${'0'.repeat(n)}`),
      );
      const route = fc.constantFrom<
        Array<(id: string) => { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: object }>
      >(
        (id) => ({ method: 'GET', url: `/bucket/${id}/status` }),
        (id) => ({ method: 'POST', url: `/bucket/${id}/stats`, payload: { day: '2024-01-31' } }),
        (id) => ({ method: 'DELETE', url: `/bucket/${id}` }),
        (id) => ({ method: 'DELETE', url: `/token/${id}` }),
        (id) => ({ method: 'POST', url: `/admin/users/${id}/tokens`, payload: { name: 'x' } }),
        (id) => ({ method: 'PUT', url: `/workspace/${w.workspaceId}/users/${id}`, payload: { role: 'READ' } }),
      );
      await fc.assert(
        fc.asyncProperty(route, badSegment, async (build, id) => {
          const options = build(id);
          stage.sent.inject++;
          const res = await t.call(options);
          assert.equal(res.statusCode, 400, `${options.method} ${options.url}: ${res.body}`);
          assertErrorShape(res, `${options.method} ${options.url.slice(0, 100)}`);
        }),
        { numRuns: 150 },
      );
      await stage.assertUnchanged();
    });
    it('ignores unknown extra fields, junk queries and junk headers: valid requests still succeed', async () => {
      const { t, w } = stage;
      const statsAnswers: Record<string, string> = {
        '2024-01-31': stage.answers[0] as string,
        '2024-02-01': stage.answers[1] as string,
      };
      const statsCall = fc.record({
        caller: fc.constantFrom<Caller>('operator', 'owner', 'reader'),
        id: caseOf(w.bucketId),
        day: fc.constantFrom('2024-01-31', '2024-02-01'),
        extra: extraFields(['day']),
        type: jsonMediaType,
        noise: noiseHeaders,
      });
      await fc.assert(
        fc.asyncProperty(statsCall, async ({ caller, id, day, extra, type, noise }) => {
          const payload = JSON.stringify({ ...extra, day });
          stage.sent.valid++;
          const res = await t.app.inject({
            method: 'POST',
            url: `/bucket/${id}/stats`,
            payload,
            headers: { ...noise, authorization: `Bearer ${w.tokens[caller]}`, 'content-type': type },
          });
          assert.equal(res.statusCode, 200, `${payload.slice(0, 200)}: ${res.body}`);
          assert.deepEqual(JSON.parse(res.body), JSON.parse(statsAnswers[day] as string));
        }),
        { numRuns: 300 },
      );
      // Setting a member's role to the one it has is a valid write that changes nothing.
      const sameRole = fc.record({
        member: fc.constantFrom<[string, string]>([w.users.owner, 'ADMIN'], [w.users.reader, 'READ']),
        caller: fc.constantFrom<Caller>('operator', 'owner'),
        extra: extraFields(['role']),
      });
      await fc.assert(
        fc.asyncProperty(sameRole, async ({ member: [userId, role], caller, extra }) => {
          stage.sent.valid++;
          const res = await t.call({
            method: 'PUT',
            url: `/workspace/${w.workspaceId}/users/${userId}`,
            payload: { ...extra, role },
            token: w.tokens[caller],
          });
          assert.equal(res.statusCode, 200, res.body);
        }),
        { numRuns: 100 },
      );
      const health = fc.record({
        url: fc.constantFrom('/healthz', '/readyz'),
        query: fc.string({ maxLength: 20 }).map((q) => (q === '' ? '' : `?${encodeURIComponent(q)}=1`)),
        authorization: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 40 })),
        noise: noiseHeaders,
      });
      await fc.assert(
        fc.asyncProperty(health, async ({ url, query, authorization, noise }) => {
          stage.sent.valid++;
          const res = await t.app.inject({
            method: 'GET',
            url: url + query,
            headers: { ...noise, ...(authorization !== undefined && { authorization }) },
          });
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json<{ success: boolean }>().success, true);
        }),
        { numRuns: 200 },
      );
      await stage.assertUnchanged();
    });
    it("answers what Node's HTTP parser rejects, and hostile headers over a socket, with a 4xx in the error shape", async () => {
      const { w } = stage;
      await fc.assert(fc.asyncProperty(rawCases({ operatorToken: OPERATOR_TOKEN, nodeId: w.node.id }), stage.sendRaw), {
        numRuns: 250,
      });
      await stage.assertUnchanged();
    });
    it('answers an HTTP/1.1 request without Host with 400 in the error shape', async () => {
      await fc.assert(fc.asyncProperty(withoutHost, stage.sendRaw), { numRuns: 20 });
    });
  });
}
