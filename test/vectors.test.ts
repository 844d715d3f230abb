import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBucket, createNode, createUser, createWorkspace, dayStats, importReports } from './helpers/fixtures.js';
import { assertCopyIsCurrent, specCopy } from './helpers/spec-copy.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

interface VectorCase {
  name: string;
  nodes: Array<{ id: string; registrations: Array<{ at: string; ip?: string; host?: string; version?: string }> }>;
  reports: Array<{ node: string; bucket: string; at: string; status: string; latencyMs: number | null }>;
  day: string;
  now: string;
  bucket: string;
  expected: Array<Record<string, unknown> & { nodeId: string }>;
}

// The cases run from the committed copy; the spec beside the repository, when there, must say the same.
const vectorsCopy = specCopy('spec/vectors.json', 'vectors.json');
const vectors = JSON.parse(vectorsCopy.text) as {
  settings: { staleAfterSeconds: number; nodeRetentionDays: number };
  cases: VectorCase[];
};

describe('vectors.json', () => {
  it("is the spec's, when the spec is beside the repository (../shared/spec/vectors.json)", () => {
    assertCopyIsCurrent(vectorsCopy);
  });
});

for (const kind of STORE_KINDS) {
  describe(`vectors.json through the HTTP API (${kind})`, () => {
    let t: TestApp;
    let workspaceId: string;
    before(async () => {
      t = await startTestApp(kind, {
        env: {
          STALE_AFTER_SECONDS: String(vectors.settings.staleAfterSeconds),
          NODE_RETENTION_DAYS: String(vectors.settings.nodeRetentionDays),
          RAW_RETENTION_DAYS: '0',
        },
      });
      workspaceId = await createWorkspace(t, await createUser(t, 'vectors@example.com'));
    });
    after(() => t.close());

    for (const c of vectors.cases) {
      it(c.name, async () => {
        t.clock.set(c.now);
        const buckets = new Map<string, string>();
        const bucketOf = async (label: string): Promise<string> => {
          if (!buckets.has(label)) buckets.set(label, await createBucket(t, workspaceId, label));
          return buckets.get(label) as string;
        };
        const nodes = new Map<string, string>();
        for (const node of c.nodes) {
          const [created, ...later] = node.registrations;
          assert.ok(created);
          const nodeId = await createNode(t, { ip: created.ip, host: created.host, version: created.version });
          nodes.set(node.id, nodeId);
          for (const { at, ...change } of later) {
            const res = await t.call({ method: 'POST', url: `/admin/nodes/${nodeId}/registrations`, payload: { at, ...change } });
            assert.equal(res.statusCode, 201, res.body);
          }
        }
        const reports = [];
        for (const r of c.reports) {
          reports.push({
            nodeId: nodes.get(r.node) as string,
            bucketId: await bucketOf(r.bucket),
            at: r.at,
            status: r.status,
            latencyMs: r.latencyMs,
          });
        }
        if (reports.length > 0) await importReports(t, reports);

        const answer = await dayStats(t, await bucketOf(c.bucket), c.day);
        const expected = c.expected.map(({ nodeId: _label, ...fields }) => fields);
        assert.deepEqual(answer, expected);
      });
    }
  });
}
