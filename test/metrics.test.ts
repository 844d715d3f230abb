import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNode, importReports, stage } from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

for (const kind of STORE_KINDS) {
  describe(`GET /metrics (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind);
    });
    after(() => t.close());

    it('counts answers by route pattern and reports by outcome, in the Prometheus format', async () => {
      const { bucketId } = await stage(t, 'metrics');
      const nodeId = await createNode(t);
      const report = { nodeId, bucketId, at: '2024-01-15T06:00:00.000Z', status: 'ONLINE', latencyMs: 4 };
      await importReports(t, [report, { ...report, at: '2024-01-15T06:01:00.000Z' }]);
      await importReports(t, [report]);
      const res = await t.call({ method: 'GET', url: '/metrics', token: null });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/plain/);
      assert.match(res.body, /fbstats_reports_total\{outcome="stored"\} 2\n/);
      assert.match(res.body, /fbstats_reports_total\{outcome="duplicate"\} 1\n/);
      assert.match(
        res.body,
        /fbstats_http_request_duration_seconds_count\{method="POST",route="\/admin\/reports",status="200"\} 2\n/,
      );
      assert.ok(!res.body.includes(bucketId), 'no ids in the labels');
      assert.match(res.body, /process_resident_memory_bytes/);
    });
  });
}
