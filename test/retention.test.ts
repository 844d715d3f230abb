import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { dropRawReports, firstKeptDay } from '../src/store/raw-retention.js';
import { createNode, dayStats, importReports, stage } from './helpers/fixtures.js';
import { SignedNode } from './helpers/node-signer.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

for (const kind of STORE_KINDS) {
  describe(`raw-report retention (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind, { now: '2024-03-10T12:00:00.000Z', env: { RAW_RETENTION_DAYS: '5' } });
    });
    after(() => t.close());

    it('keeps the answers of old days once their raw reports are gone', async () => {
      const { bucketId } = await stage(t, 'retention');
      const nodeId = await createNode(t);
      const reports = [];
      for (let day = 6; day <= 10; day++) {
        for (const time of ['06:00', '06:01', '06:02', '23:59']) {
          const at = `2024-03-${String(day).padStart(2, '0')}T${time}:00.000Z`;
          reports.push({ nodeId, bucketId, at, status: time === '06:02' ? 'OFFLINE' : 'ONLINE', latencyMs: day + 0.5 });
        }
      }
      await importReports(
        t,
        reports.filter((r) => r.at < '2024-03-10T12:00:00.000Z'),
      );
      const days = ['2024-03-06', '2024-03-07', '2024-03-08', '2024-03-09'];
      const answers = await Promise.all(days.map((d) => dayStats(t, bucketId, d)));

      t.clock.set('2024-03-14T12:00:00.000Z');
      const pass = await dropRawReports(t.store.db, firstKeptDay(t.clock.now(), 5));
      if (kind === 'postgres') {
        // Each day came with its partition: those days go whole, no row deleted.
        assert.deepEqual(pass, {
          deletedReports: 0,
          droppedPartitions: ['reports_2024_03_06', 'reports_2024_03_07', 'reports_2024_03_08'],
        });
      } else {
        assert.deepEqual(pass, { deletedReports: 12, droppedPartitions: [] });
      }
      const left = await sql<{ n: number }>`select count(*) as n from all_reports`.execute(t.store.db);
      assert.equal(Number(left.rows[0]?.n), 7, 'the 9th holds the cutoff and stays, with the 10th');
      await t.restart();
      assert.deepEqual(await Promise.all(days.map((d) => dayStats(t, bucketId, d))), answers);
    });

    it('refuses reports older than the window on every path, storing nothing', async () => {
      t.clock.set('2024-03-14T12:00:00.000Z');
      const { bucketId } = await stage(t, 'refuse');
      const node = await SignedNode.create(t);
      const old = '2024-03-09T11:59:59.999Z';
      const res = await t.call({
        method: 'POST',
        url: '/admin/reports',
        payload: {
          reports: [
            { nodeId: node.id, bucketId, at: '2024-03-14T00:00:00.000Z', status: 'ONLINE' },
            { nodeId: node.id, bucketId, at: old, status: 'ONLINE' },
          ],
        },
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.json<{ message: string }>().message, /reports\[1\]\.at is older than the raw-report window/);
      const status = await node.send('/node/status', {
        ip: '10.0.0.1',
        region: 'r',
        timestamp: t.clock.now(),
        buckets: [{ bucketId, status: 'ONLINE', latencyMs: 1, createdAt: old }],
      });
      assert.equal(status.statusCode, 200);
      const answer = status.json<{ accepted: number; rejected: Array<{ message: string }> }>();
      assert.equal(answer.accepted, 0);
      assert.match(answer.rejected[0]?.message ?? '', /raw-report window/);
      assert.deepEqual(await dayStats(t, bucketId, '2024-03-14'), []);
    });
  });
}
