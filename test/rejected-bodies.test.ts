import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createBucket, createMember, createNode, createWorkspace } from './helpers/fixtures.js';
import { assertErrorShape } from './helpers/hostile-requests.js';
import { slowUpload, type Upload } from './helpers/slow-upload.js';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

// Bodies over every route's limit but the 8 MiB import's, and under the 16 MiB the service reads to drop.
const SIZE = 3 * 1024 * 1024;
const BUDGET = 100;

for (const kind of STORE_KINDS) {
  describe(`the answer to a request refused before its body arrived (${kind})`, () => {
    let t: TestApp;
    let port: number;
    let cases: Array<{ what: string; upload: Omit<Upload, 'size' | 'close'>; status: number }>;
    before(async () => {
      t = await startTestApp(kind, { env: { RATE_LIMIT_PER_MINUTE: String(BUDGET) } });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as AddressInfo).port;
      const member = await createMember(t, 'uploader@example.com');
      const workspaceId = await createWorkspace(t, member.userId);
      const bucketId = await createBucket(t, workspaceId);
      const nodeId = await createNode(t);
      // A token that spent its budget from another address: its calls are refused (429) before anything else.
      const spent = await createMember(t, 'spent@example.com');
      for (let i = 0; i < BUDGET; i++) {
        await t.call({ method: 'GET', url: '/token', token: spent.token, remoteAddress: '198.51.100.9' });
      }
      const user = { authorization: `Bearer ${member.token}` };
      const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
      const forged = { 'x-node-id': nodeId, 'x-signature': 'AAAA' };
      const stats = `/bucket/${bucketId}/stats`;
      cases = [
        { what: 'stats without a token', upload: { method: 'POST', path: stats, headers: {} }, status: 401 },
        {
          what: 'stats, unknown token',
          upload: { method: 'POST', path: stats, headers: { authorization: 'Bearer no' } },
          status: 401,
        },
        {
          what: 'stats, token out of budget',
          upload: { method: 'POST', path: stats, headers: { authorization: `Bearer ${spent.token}` } },
          status: 429,
        },
        { what: 'stats, Content-Length over the limit', upload: { method: 'POST', path: stats, headers: user }, status: 413 },
        {
          what: 'stats, chunked past the limit',
          upload: { method: 'POST', path: stats, headers: user, chunked: true },
          status: 413,
        },
        {
          what: 'DELETE /token/{id}',
          upload: { method: 'DELETE', path: `/token/${member.tokenId}`, headers: user },
          status: 413,
        },
        { what: 'PUT /workspace/{id}', upload: { method: 'PUT', path: `/workspace/${workspaceId}`, headers: user }, status: 413 },
        { what: 'POST /workspace (operator)', upload: { method: 'POST', path: '/workspace', headers: operator }, status: 413 },
        {
          what: 'node status, unknown node',
          upload: { method: 'POST', path: '/node/status', headers: { ...forged, 'x-node-id': bucketId } },
          status: 401,
        },
        { what: 'node status, over the limit', upload: { method: 'POST', path: '/node/status', headers: forged }, status: 413 },
        {
          what: 'node status, chunked past the limit',
          upload: { method: 'POST', path: '/node/status', headers: forged, chunked: true },
          status: 413,
        },
        {
          what: 'node register without a signature',
          upload: { method: 'POST', path: '/node/register', headers: { 'x-node-id': nodeId } },
          status: 401,
        },
        { what: 'GET of no endpoint, with a body', upload: { method: 'GET', path: '/nowhere', headers: {} }, status: 404 },
        { what: 'GET /healthz with a body', upload: { method: 'GET', path: '/healthz', headers: {} }, status: 200 },
        // Read whole, as before: under its 8 MiB limit, and no JSON.
        { what: 'an import of 3 MB of junk', upload: { method: 'POST', path: '/admin/reports', headers: operator }, status: 400 },
      ];
    });
    after(() => t.close());

    it('lets every concurrent 3 MB upload, to every kind of route, be sent whole and read its status', async () => {
      // Each case twice as a keep-alive client and twice as one that asks for Connection: close.
      const runs = cases.flatMap((c) => [false, false, true, true].map((close) => ({ ...c, close })));
      const outcomes = await Promise.all(runs.map((run) => slowUpload(port, { ...run.upload, size: SIZE, close: run.close })));
      const wrong = runs
        .map((run, i) => ({ run, outcome: outcomes[i] }))
        .filter(({ run, outcome }) => outcome?.error !== undefined || outcome?.status !== run.status)
        .map(({ run, outcome }) => `${run.what}${run.close ? ' (Connection: close)' : ''}: ${JSON.stringify(outcome)}`);
      assert.deepEqual(wrong, [], `of ${runs.length} uploads`);
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.status !== 200)
          assertErrorShape(
            { statusCode: outcome.status ?? 0, headers: { 'content-type': 'application/json' }, body: outcome.body ?? '' },
            runs[i]?.what ?? '',
          );
      }
    });

    it('reads no more than 16 MiB of a refused body: past that it closes the connection', async () => {
      const size = 24 * 1024 * 1024;
      const outcome = await slowUpload(port, { method: 'POST', path: '/workspace', headers: {}, size });
      assert.ok(outcome.sent < size, `the service read all ${size} bytes of a refused body`);
      assert.ok(outcome.sent > 16 * 1024 * 1024, `the service stopped reading after ${outcome.sent} bytes`);
      assert.equal(
        (await t.call({ method: 'GET', url: '/healthz', token: null, remoteAddress: '198.51.100.10' })).statusCode,
        200,
      );
    });
  });
}
