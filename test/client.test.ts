import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  AccessType,
  ApiClient,
  HttpError,
  NodeStatusType,
  StorageType,
  type BucketNodeStatsDailyInfo,
  type ImportedReport,
} from '../packages/client/src/index.js';
import { createBucket, createMember, createNode, createWorkspace, importReports, NODE_PUBLIC_PEM } from './helpers/fixtures.js';
import { OpenApiConformance } from './helpers/openapi-conformance.js';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The worked example of stats-semantics.md: five reports of one node on 2024-01-15. */
const WORKED_EXAMPLE: Array<Pick<ImportedReport, 'at' | 'status' | 'latencyMs'>> = [
  { at: '2024-01-15T06:00:00.000Z', status: NodeStatusType.ONLINE, latencyMs: 40 },
  { at: '2024-01-15T06:01:00.000Z', status: NodeStatusType.ONLINE, latencyMs: 50 },
  { at: new Date('2024-01-15T06:02:00.000Z'), status: NodeStatusType.OFFLINE, latencyMs: null },
  { at: '2024-01-15T06:03:00.000Z', status: NodeStatusType.ONLINE, latencyMs: 60 },
  { at: '2024-01-15T12:00:00.000Z', status: NodeStatusType.ONLINE, latencyMs: 30 },
];

/** Its answer, asked on a later day (the README's example). */
const WORKED_ANSWER: BucketNodeStatsDailyInfo = {
  ip: '192.168.1.100',
  host: '*-us-east-1-aws.flashback.tech',
  perc_uptime: 0.74,
  avg_latency_ms: 45,
  version: '1.2.3',
  node_status: NodeStatusType.DISCONNECTED,
  last_updated: '2024-01-15T12:00:00.000Z',
  last_latency_ms: 30,
};

/** Asserts that `call` rejects with an HttpError of `status`, and returns it. */
async function httpError(call: Promise<unknown>, status: number, message?: RegExp): Promise<HttpError> {
  let caught: unknown;
  await assert.rejects(call, (error) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof HttpError, `an HttpError, not ${String(caught)}`);
  assert.equal(caught.status, status, caught.data?.message);
  if (message) assert.match(caught.data?.message ?? '', message);
  return caught;
}

/**
 * Wraps the global fetch, which the client uses, so that every answer of the
 * app at `baseUrl` is checked against its OpenAPI document too, as `t.call`
 * does for inject. Returns how to undo it and how many answers were checked.
 */
function checkAnswersFrom(t: TestApp, baseUrl: string): { restore: () => void; checked: () => number } {
  const original = globalThis.fetch;
  let checked = 0;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await original(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(`${baseUrl}/`)) {
      OpenApiConformance.ofApp(t.app).assertResponse({
        method: init?.method ?? 'GET',
        url,
        status: response.status,
        contentType: response.headers.get('content-type') ?? undefined,
        body: await response.clone().text(),
      });
      checked++;
    }
    return response;
  };
  return { restore: () => void (globalThis.fetch = original), checked: () => checked };
}

for (const kind of STORE_KINDS) {
  describe(`the client against the live server (${kind})`, () => {
    let t: TestApp;
    let baseUrl: string;
    let conformance: ReturnType<typeof checkAnswersFrom>;
    let operator: ApiClient;
    const ada = { client: undefined as unknown as ApiClient, userId: '', tokenId: '', token: '' };
    const grace = { client: undefined as unknown as ApiClient, userId: '' };
    let workspaceId: string;
    let bucketId: string;
    let nodeId: string;

    before(async () => {
      t = await startTestApp(kind, { now: '2024-01-16T00:00:00.000Z' });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      conformance = checkAnswersFrom(t, baseUrl);
      operator = new ApiClient(`${baseUrl}/`);
      operator.setAuthToken(OPERATOR_TOKEN);
    });
    after(async () => {
      conformance.restore();
      await t.close();
    });

    it('creates users and their tokens (operator)', async () => {
      const created = await operator.createUser({ email: `ada-${kind}@example.com`, name: 'Ada' });
      assert.match(created.user.id, UUID);
      assert.deepEqual(created, { success: true, user: { id: created.user.id, email: `ada-${kind}@example.com`, name: 'Ada' } });
      ada.userId = created.user.id;
      const issued = await operator.createUserToken(ada.userId, { name: 'laptop', expiresAt: new Date('2025-01-01T00:00:00Z') });
      assert.equal(issued.success, true);
      assert.match(issued.tokenId, UUID);
      assert.match(issued.token, /^fbk_/);
      Object.assign(ada, { tokenId: issued.tokenId, token: issued.token, client: new ApiClient(baseUrl) });
      ada.client.setAuthToken(issued.token);

      grace.userId = (await operator.createUser({ email: `grace-${kind}@example.com`, name: 'Grace' })).user.id;
      grace.client = new ApiClient(baseUrl);
      grace.client.setAuthToken((await operator.createUserToken(grace.userId, { name: 'desk' })).token);
    });

    it('creates a workspace and a bucket, and lists them', async () => {
      const { workspace } = await ada.client.createWorkspace({ name: 'Acme' });
      workspaceId = workspace.id;
      assert.match(workspaceId, UUID);
      assert.deepEqual(await ada.client.getWorkspaces(), {
        success: true,
        workspaces: [{ id: workspaceId, name: 'Acme', role: AccessType.ADMIN }],
      });
      const created = await ada.client.createStorageBucket({
        name: 'invoices',
        workspaceId,
        storageType: StorageType.GCS,
        region: 'eu',
      });
      assert.equal(created.success, true);
      bucketId = created.bucketId;
      const listed = {
        id: bucketId,
        name: 'invoices',
        workspaceId,
        storageType: StorageType.GCS,
        bucket: null,
        endpoint: null,
        region: 'eu',
        createdAt: '2024-01-16T00:00:00.000Z',
      };
      assert.deepEqual(await ada.client.getStorageBuckets(workspaceId), { success: true, buckets: [listed] });
      assert.deepEqual(await ada.client.getStorageBuckets(), { success: true, buckets: [listed] });
      assert.deepEqual(await grace.client.getStorageBuckets(), { success: true, buckets: [] });
    });

    it('creates a node, imports a re-registration and reports (operator)', async () => {
      const fields = { ip: '192.168.1.100', host: '*-us-east-1-aws.flashback.tech', region: 'us-east-1', provider: 'aws' };
      const { node } = await operator.createNode({ ...fields, version: '1.0.0', publicKey: NODE_PUBLIC_PEM });
      nodeId = node.id;
      assert.deepEqual(node, {
        id: nodeId,
        ...fields,
        version: '1.0.0',
        publicKey: NODE_PUBLIC_PEM,
        createdAt: '2024-01-16T00:00:00.000Z',
      });
      assert.deepEqual(
        await operator.importNodeRegistration(nodeId, { at: new Date('2024-01-10T00:00:00Z'), version: '1.2.3' }),
        {
          success: true,
        },
      );
      const reports = WORKED_EXAMPLE.map((report) => ({ nodeId, bucketId, ...report }));
      assert.deepEqual(await operator.importReports({ reports }), { success: true, accepted: 5, duplicates: 0 });
      assert.deepEqual(await operator.importReports({ reports: reports.slice(0, 1) }), {
        success: true,
        accepted: 0,
        duplicates: 1,
      });
    });

    it("answers a day's stats, the day given as a Date or a string", async () => {
      const expected = { success: true, nodeStats: [WORKED_ANSWER] };
      assert.deepEqual(await ada.client.getBucketNodeStats(bucketId, { day: new Date('2024-01-15T00:00:00Z') }), expected);
      assert.deepEqual(await ada.client.getBucketNodeStats(bucketId, { day: '2024-01-15' }), expected);
      assert.deepEqual(await operator.getBucketNodeStats(bucketId, { day: new Date('2024-01-14T00:00:00Z') }), {
        success: true,
        nodeStats: [],
      });
    });

    it('answers the status of the nodes now', async () => {
      const nodeStatus = {
        nodeId,
        ip: '192.168.1.100',
        host: '*-us-east-1-aws.flashback.tech',
        region: 'us-east-1',
        version: '1.2.3',
        status: NodeStatusType.DISCONNECTED,
        latencyMs: 30,
        lastUpdated: '2024-01-15T12:00:00.000Z',
      };
      assert.deepEqual(await ada.client.getStorageBucketStatus(bucketId), { success: true, bucketId, nodeStatus: [nodeStatus] });
      t.clock.set('2024-01-16T00:02:00.000Z');
      const at = '2024-01-16T00:01:00.000Z';
      await operator.importReports({ reports: [{ nodeId, bucketId, at, status: NodeStatusType.ONLINE, latencyMs: 42 }] });
      assert.deepEqual(await ada.client.getStorageBucketStatus(bucketId.toUpperCase()), {
        success: true,
        bucketId,
        nodeStatus: [{ ...nodeStatus, status: NodeStatusType.ONLINE, latencyMs: 42, lastUpdated: at }],
      });
    });

    it('adds a member, changes their role and removes them', async () => {
      await httpError(grace.client.getStorageBucketStatus(bucketId), 403, /not in any of your workspaces/);
      assert.deepEqual(await ada.client.addUserToWorkspace(workspaceId, { userId: grace.userId, role: AccessType.READ }), {
        success: true,
      });
      assert.deepEqual((await grace.client.getWorkspaces()).workspaces, [
        { id: workspaceId, name: 'Acme', role: AccessType.READ },
      ]);
      assert.equal((await grace.client.getStorageBucketStatus(bucketId)).nodeStatus.length, 1);
      await httpError(grace.client.createStorageBucket({ name: 'mine', workspaceId }), 403);

      const update = { role: AccessType.WRITE };
      assert.deepEqual(await ada.client.updateWorkspaceUserRole(workspaceId, grace.userId, update), { success: true });
      assert.deepEqual((await grace.client.getWorkspaces()).workspaces, [
        { id: workspaceId, name: 'Acme', role: AccessType.WRITE },
      ]);
      const { bucketId: gracesBucket } = await grace.client.createStorageBucket({ name: 'mine', workspaceId });
      assert.deepEqual(await grace.client.deleteStorageBucket(gracesBucket), { success: true });

      assert.deepEqual(await ada.client.removeUserFromWorkspace(workspaceId, grace.userId), { success: true });
      assert.deepEqual(await grace.client.getWorkspaces(), { success: true, workspaces: [] });
      await httpError(grace.client.getStorageBucketStatus(bucketId), 403);
      await httpError(ada.client.removeUserFromWorkspace(workspaceId, ada.userId), 409, /last ADMIN/);
    });

    it("lists the caller's tokens and revokes one", async () => {
      const second = await operator.createUserToken(ada.userId, { name: 'ci' });
      const ci = new ApiClient(baseUrl);
      ci.setAuthToken(second.token);
      const laptop = {
        id: ada.tokenId,
        name: 'laptop',
        createdAt: '2024-01-16T00:00:00.000Z',
        expiresAt: '2025-01-01T00:00:00.000Z',
        // Touched by the first call after the clock moved to 00:02.
        lastUsedAt: '2024-01-16T00:02:00.000Z',
      };
      const listed = await ada.client.getTokens();
      assert.deepEqual(
        { ...listed, tokens: [...listed.tokens].sort((a, b) => a.name.localeCompare(b.name)) },
        {
          success: true,
          tokens: [
            { id: second.tokenId, name: 'ci', createdAt: '2024-01-16T00:02:00.000Z', expiresAt: null, lastUsedAt: null },
            laptop,
          ],
        },
      );
      assert.deepEqual(await ci.revokeToken(second.tokenId), { success: true });
      await httpError(ci.getTokens(), 401, /revoked/);
      assert.deepEqual(await ada.client.getTokens(), { success: true, tokens: [laptop] });
      await httpError(grace.client.revokeToken(ada.tokenId), 403);
    });

    it('deletes a bucket', async () => {
      assert.deepEqual(await ada.client.deleteStorageBucket(bucketId), { success: true });
      assert.deepEqual(await ada.client.getStorageBuckets(workspaceId), { success: true, buckets: [] });
    });

    it('throws HttpError with the status, statusText and error body of the answer', async () => {
      const error = await httpError(ada.client.getBucketNodeStats(bucketId, { day: '2024-01-15' }), 404);
      assert.ok(error instanceof Error);
      assert.equal(error.name, 'HttpError');
      assert.equal(error.message, 'HTTP Error 404: Not Found');
      assert.equal(error.statusText, 'Not Found');
      assert.deepEqual(error.data, { success: false, message: `no bucket ${bucketId}` });

      const anonymous = await httpError(new ApiClient(baseUrl).getWorkspaces(), 401, /Authorization/);
      assert.equal(anonymous.message, 'HTTP Error 401: Unauthorized');
      const malformed = await httpError(ada.client.getBucketNodeStats(bucketId, { day: 'yesterday' }), 400, /day must be/);
      assert.equal(malformed.statusText, 'Bad Request');
      await httpError(operator.createUser({ email: `ada-${kind}@example.com`, name: 'Ada again' }), 409, /taken/);
    });

    it('runs the drop-in script of the issue unchanged', async () => {
      const member = await createMember(t, `dropin-${kind}@example.com`);
      const id = await createBucket(t, await createWorkspace(t, member.userId));
      const node = await createNode(t, { version: '1.2.3' });
      await importReports(
        t,
        WORKED_EXAMPLE.map((report) => ({ nodeId: node, bucketId: id, ...report, at: new Date(report.at).toISOString() })),
      );
      const [url, token] = [baseUrl, member.token];

      const c = new ApiClient(url);
      c.setAuthToken(token);
      const answer = await c.getBucketNodeStats(id, { day: new Date('2024-01-15T00:00:00Z') });

      assert.deepEqual(answer, { success: true, nodeStats: [WORKED_ANSWER] });
    });

    it('had every answer of the server checked against the OpenAPI document', () => {
      assert.ok(conformance.checked() >= 40, `${conformance.checked()} answers checked`);
    });
  });
}

describe("the client's requests, and how it reads answers", () => {
  interface Seen {
    method: string;
    url: string;
    headers: IncomingHttpHeaders;
    body: string;
  }
  let server: Server;
  let base: string;
  let seen: Seen[] = [];
  let answer = { status: 200, statusText: 'OK', contentType: 'application/json', body: '{"success":true}' };

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const { method = '', url = '', headers } = request;
        seen.push({ method, url, headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(answer.status, answer.statusText, { 'content-type': answer.contentType });
        response.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))));

  /** The one request that `call` made. */
  async function requestOf(call: () => Promise<unknown>): Promise<Seen> {
    seen = [];
    await call();
    assert.equal(seen.length, 1);
    return seen[0] as Seen;
  }

  it('joins the path to the base URL with one slash; GET data is the query string, other data a JSON body', async () => {
    for (const baseURL of [base, `${base}/`]) {
      const client = new ApiClient(baseURL);
      const list = await requestOf(() => client.getStorageBuckets('w 1'));
      assert.deepEqual([list.method, list.url, list.body], ['GET', '/bucket?workspaceId=w+1', '']);
      assert.equal(list.headers['content-type'], undefined);
      assert.equal(list.headers.accept, 'application/json');
      assert.equal((await requestOf(() => client.getStorageBuckets())).url, '/bucket');
    }
    const client = new ApiClient(`${base}/api/`);
    const stats = await requestOf(() => client.getBucketNodeStats('b1', { day: new Date('2024-01-15T00:00:00Z') }));
    assert.deepEqual(
      [stats.method, stats.url, stats.body],
      ['POST', '/api/bucket/b1/stats', '{"day":"2024-01-15T00:00:00.000Z"}'],
    );
    assert.equal(stats.headers['content-type'], 'application/json');
    const role = await requestOf(() => client.updateWorkspaceUserRole('w1', 'u1', { role: AccessType.READ }));
    assert.deepEqual([role.method, role.url, role.body], ['PUT', '/api/workspace/w1/users/u1', '{"role":"READ"}']);
    const removal = await requestOf(() => client.deleteStorageBucket('b/1'));
    assert.deepEqual([removal.method, removal.url, removal.body], ['DELETE', '/api/bucket/b%2F1', '']);
    assert.equal(removal.headers['content-type'], undefined);
  });

  it('sends the bearer token once set, and keeps it when given null or an empty one', async () => {
    const client = new ApiClient(base);
    const authorization = async () => (await requestOf(() => client.getTokens())).headers.authorization;
    assert.equal(await authorization(), undefined);
    client.setAuthToken('first');
    assert.equal(await authorization(), 'Bearer first');
    client.setAuthToken(null);
    assert.equal(await authorization(), 'Bearer first');
    client.setAuthToken('');
    assert.equal(await authorization(), 'Bearer first');
    client.setAuthToken('second');
    assert.equal(await authorization(), 'Bearer second');
  });

  it('resolves an empty 2xx to null, and throws HttpError with data null when the error body is not JSON', async () => {
    const client = new ApiClient(base);
    answer = { status: 204, statusText: 'No Content', contentType: 'application/json', body: '' };
    assert.equal(await client.deleteStorageBucket('b1'), null);
    answer = { status: 502, statusText: 'Bad Gateway', contentType: 'text/html', body: '<h1>Bad Gateway</h1>' };
    const error = await httpError(client.getWorkspaces(), 502);
    assert.deepEqual(
      [error.name, error.message, error.statusText, error.data],
      ['HttpError', 'HTTP Error 502: Bad Gateway', 'Bad Gateway', null],
    );
    answer = {
      status: 418,
      statusText: "I'm a teapot",
      contentType: 'application/json',
      body: '{"success":false,"message":"short"}',
    };
    const teapot = await httpError(client.getWorkspaces(), 418);
    assert.deepEqual([teapot.message, teapot.data], ["HTTP Error 418: I'm a teapot", { success: false, message: 'short' }]);
  });
});
