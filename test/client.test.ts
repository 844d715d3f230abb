import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  AccessType,
  ApiClient,
  NodeStatusType,
  StorageType,
  type BucketNodeStatsDailyInfo,
  type ImportedReport,
} from '@flashback/bucket-stats-client';
import { httpError } from './helpers/client-errors.js';
import { createNode, importReports, NODE_KEYS, NODE_PUBLIC_PEM, stage } from './helpers/fixtures.js';
import { OpenApiConformance } from './helpers/openapi-conformance.js';
import { quantileAcceptable } from './helpers/quantile-rule.js';
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
    const client = (): ApiClient => new ApiClient(baseUrl);
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

    it("answers the dashboard's range of days and a day's latency", async () => {
      const range = await ada.client.getBucketRangeStats(bucketId, { from: '2024-01-14', to: new Date('2024-01-16T00:00:00Z') });
      assert.deepEqual(
        [range.success, range.from, range.to, range.days.map((d) => d.day)],
        [true, '2024-01-14', '2024-01-16', ['2024-01-14', '2024-01-15', '2024-01-16']],
      );
      const fifteenth = (await ada.client.getBucketNodeStats(bucketId, { day: '2024-01-15' })).nodeStats;
      // Each range entry is the daily entry with nodeId and region, the day's latency percentiles (sla.md's rule)
      // and its SLA figures (no maintenance here: the SLA uptime is the uptime).
      const quantiles = range.days[1]?.nodeStats.map(
        ({ p50_latency_ms, p95_latency_ms, p99_latency_ms, maintenanceMs, perc_uptime_sla, ...daily }) => {
          const latencies = [40, 50, 60, 30];
          assert.ok(quantileAcceptable(p50_latency_ms, latencies, 0.5), `p50 ${p50_latency_ms}`);
          assert.ok(quantileAcceptable(p95_latency_ms, latencies, 0.95), `p95 ${p95_latency_ms}`);
          assert.ok(quantileAcceptable(p99_latency_ms, latencies, 0.99), `p99 ${p99_latency_ms}`);
          assert.equal(maintenanceMs, 0);
          assert.equal(perc_uptime_sla, daily.perc_uptime);
          return daily;
        },
      );
      assert.deepEqual(
        quantiles,
        fifteenth.map((entry) => ({ nodeId, region: 'us-east-1', ...entry })),
      );
      assert.deepEqual(await ada.client.getBucketLatency(bucketId, { day: '2024-01-15' }), {
        success: true,
        day: '2024-01-15',
        nodes: [
          {
            nodeId,
            ip: '192.168.1.100',
            host: '*-us-east-1-aws.flashback.tech',
            region: 'us-east-1',
            minutes: WORKED_EXAMPLE.map((report) => Date.parse(new Date(report.at).toISOString())),
            latencyMs: [40, 50, null, 60, 30],
          },
        ],
      });
    });

    it('a bridge node registers and reports through the signed calls; a wrong key is refused', async () => {
      const node = { nodeId, sign: (body: string) => sign(null, Buffer.from(body), NODE_KEYS.privateKey).toString('base64') };
      const timestamp = t.clock.now();
      const fields = { ip: '192.168.1.100', region: 'us-east-1' };
      assert.deepEqual(await client().registerNode(node, { ...fields, provider: 'aws', version: '1.2.4', timestamp }), {
        success: true,
        message: 'registered',
      });
      const at = new Date(timestamp - 30_000).toISOString();
      const unknownBucket = '00000000-0000-4000-8000-000000000001';
      const answer = await client().sendNodeStatus(node, {
        ...fields,
        timestamp: timestamp + 1,
        buckets: [
          { bucketId, status: 'ONLINE', latencyMs: 21, createdAt: at },
          { bucketId: unknownBucket, status: NodeStatusType.OFFLINE, createdAt: at },
        ],
      });
      assert.deepEqual([answer.accepted, answer.duplicates, answer.rejected.map((r) => r.bucketId)], [1, 0, [unknownBucket]]);
      const { nodeStatus } = await ada.client.getStorageBucketStatus(bucketId);
      assert.deepEqual(
        nodeStatus.map((n) => [n.nodeId, n.latencyMs, n.lastUpdated]),
        [[nodeId, 21, at]],
      );
      const forger = { nodeId, sign: () => sign(null, Buffer.from('something else'), NODE_KEYS.privateKey).toString('base64') };
      await httpError(client().sendNodeStatus(forger, { ...fields, timestamp: timestamp + 2, buckets: [] }), 401);
    });

    it('imports a stream of reports in batches, leaving out what the service refuses and sending the rest', async () => {
      const stranger = '00000000-0000-4000-8000-00000000beef';
      const minute = (n: number) => `2024-01-14T10:0${n}:00.000Z`;
      const nodes = [nodeId, nodeId, nodeId, stranger, nodeId, stranger, nodeId];
      let pulled = 0;
      function* reports(): Generator<ImportedReport> {
        for (const [n, reporter] of nodes.entries()) {
          pulled++;
          yield { nodeId: reporter, bucketId, at: minute(n), status: NodeStatusType.ONLINE, latencyMs: n };
        }
      }
      const refusals: string[] = [];
      const batches: Array<{ pulled: number; accepted: number; refused: string[] }> = [];
      for await (const batch of operator.importReportStream(reports(), {
        batchSize: 3,
        onRefused: (report, refusal) => refusals.push(`${String(report.at)} ${refusal.field}: ${refusal.message}`),
        precheck: (report) => (report.nodeId === stranger ? 'that node again' : undefined),
      })) {
        batches.push({
          pulled,
          accepted: batch.accepted,
          refused: batch.refused.map((r) => `${String(r.item.at)} ${r.message}`),
        });
      }
      assert.deepEqual(refusals, [`${minute(3)} nodeId: nodeId: no node ${stranger}`]);
      assert.deepEqual(batches, [
        { pulled: 3, accepted: 3, refused: [] },
        { pulled: 6, accepted: 1, refused: [`${minute(3)} nodeId: no node ${stranger}`, `${minute(5)} that node again`] },
        { pulled: 7, accepted: 1, refused: [] },
      ]);
      const again = operator.importReportStream([...reports()].slice(0, 2));
      assert.deepEqual((await again.next()).value, {
        items: [...reports()].slice(0, 2),
        accepted: 0,
        duplicates: 2,
        refused: [],
      });
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
      const member = await stage(t, 'dropin');
      const id = member.bucketId;
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
