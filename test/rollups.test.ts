import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeDayStatsFromReports, dayWindow } from '../src/stats/daily-node-stats.js';
import type { NodeStatus, Report } from '../src/stats/node-status.js';
import { DAY_MS, formatInstant } from '../src/time/instant.js';
import { createNode, dayStats, importReports, stage, type ImportedReport } from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

// A small deterministic generator, so that a failure can be replayed.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const STATUSES: NodeStatus[] = ['ONLINE', 'ONLINE', 'ONLINE', 'OFFLINE', 'DISCONNECTED'];
const FIRST_DAY = Date.parse('2024-03-01T00:00:00.000Z');
const NOW = '2024-03-05T15:00:00.000Z';

for (const kind of STORE_KINDS) {
  describe(`rollups equal a recomputation from raw reports (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind, { now: NOW });
    });
    after(() => t.close());

    it('for reports sent in random order and batches, late, repeated, and dated after now', async () => {
      const rand = random(kind === 'sqlite' ? 7 : 11);
      const { bucketId } = await stage(t, 'rollups');
      const nodes = [
        await createNode(t, { host: 'a.example' }),
        await createNode(t, { host: 'b.example' }),
        await createNode(t, { host: 'c.example' }),
      ];
      const byNode = new Map<string, Report[]>(nodes.map((n) => [n, []]));
      const sent: ImportedReport[] = [];
      for (const nodeId of nodes) {
        // Bursts of reports a minute apart, with gaps, some crossing midnight.
        let at = FIRST_DAY + Math.floor(rand() * 6 * 3_600_000);
        const end = Date.parse(NOW) + 240_000;
        while (at < end) {
          const status = STATUSES[Math.floor(rand() * STATUSES.length)] as NodeStatus;
          const latencyMs = status === 'ONLINE' && rand() < 0.9 ? Math.round(rand() * 20_000) / 100 : null;
          const report = { at, status, latencyMs };
          (byNode.get(nodeId) as Report[]).push(report);
          sent.push({ nodeId, bucketId, at: formatInstant(at), status, latencyMs });
          at += rand() < 0.02 ? Math.floor(rand() * 8 * 3_600_000) : 60_000 + Math.floor(rand() * 200_000);
        }
      }
      // Shuffle, then repeat some, then send in batches of random size.
      for (let i = sent.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [sent[i], sent[j]] = [sent[j] as ImportedReport, sent[i] as ImportedReport];
      }
      const withRepeats = [...sent, ...sent.slice(0, 50)];
      let accepted = 0;
      let duplicates = 0;
      for (let i = 0; i < withRepeats.length;) {
        const size = 1 + Math.floor(rand() * 400);
        const result = await importReports(t, withRepeats.slice(i, i + size));
        accepted += result.accepted;
        duplicates += result.duplicates;
        i += size;
      }
      assert.equal(accepted, sent.length);
      assert.equal(duplicates, 50);

      const now = Date.parse(NOW);
      for (let day = FIRST_DAY / DAY_MS; day <= now / DAY_MS; day++) {
        const window = dayWindow(day, now);
        const expected = nodes
          .map((nodeId, i) => ({
            host: ['a.example', 'b.example', 'c.example'][i],
            numbers: nodeDayStatsFromReports(byNode.get(nodeId) as Report[], window, 180_000),
          }))
          .filter((e) => e.numbers !== undefined);
        const answer = await dayStats(t, bucketId, formatInstant(day * DAY_MS));
        assert.deepEqual(
          answer.map((a) => ({
            host: a.host,
            perc: a.perc_uptime,
            avg: a.avg_latency_ms,
            last: a.last_updated,
            lastLatency: a.last_latency_ms,
            status: a.node_status,
          })),
          expected.map((e) => ({
            host: e.host,
            perc: e.numbers?.percUptime,
            avg: e.numbers?.avgLatencyMs,
            last: formatInstant(e.numbers?.lastUpdated as number),
            lastLatency: e.numbers?.lastLatencyMs,
            status: e.numbers?.nodeStatus,
          })),
          `day ${formatInstant(day * DAY_MS)}`,
        );
      }
    });

    it('gives the same answers after a restart on the same store', async () => {
      const { bucketId } = await stage(t, 'restart');
      const nodeId = await createNode(t);
      await importReports(t, [
        { nodeId, bucketId, at: '2024-03-04T23:59:00.000Z', status: 'ONLINE', latencyMs: 12.5 },
        { nodeId, bucketId, at: '2024-03-05T00:30:00.000Z', status: 'OFFLINE' },
        { nodeId, bucketId, at: '2024-03-05T14:59:00.000Z', status: 'ONLINE', latencyMs: 3 },
      ]);
      const days = ['2024-03-04', '2024-03-05'];
      const beforeRestart = await Promise.all(days.map((d) => dayStats(t, bucketId, d)));
      await t.restart();
      const afterRestart = await Promise.all(days.map((d) => dayStats(t, bucketId, d)));
      assert.deepEqual(afterRestart, beforeRestart);
      assert.equal(afterRestart[1]?.[0]?.node_status, 'ONLINE');
    });
  });
}

for (const kind of STORE_KINDS) {
  describe(`cached answers follow late reports (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind, { now: '2024-03-20T12:00:00.000Z' });
    });
    after(() => t.close());

    it('a late report changes the cached answers of its day, the next day and the listing after it', async () => {
      const { bucketId } = await stage(t, 'late');
      const nodeId = await createNode(t);
      await importReports(t, [{ nodeId, bucketId, at: '2024-03-10T12:00:00.000Z', status: 'ONLINE', latencyMs: 5 }]);
      const days = ['2024-03-09', '2024-03-10', '2024-03-11', '2024-03-17', '2024-03-18'];
      const before = await Promise.all(days.map((d) => dayStats(t, bucketId, d)));
      assert.deepEqual(
        before.map((answer) => answer.length),
        [0, 1, 1, 1, 0],
      );
      await importReports(t, [{ nodeId, bucketId, at: '2024-03-11T23:59:00.000Z', status: 'ONLINE', latencyMs: 7 }]);
      const after = await Promise.all(days.map((d) => dayStats(t, bucketId, d)));
      assert.equal(after[2]?.[0]?.last_latency_ms, 7);
      assert.equal(after[3]?.[0]?.last_updated, '2024-03-11T23:59:00.000Z');
      assert.equal(after[4]?.length, 1, 'listed again on the 7th day after the late report');
    });

    it('a report that becomes the earliest of its series moves the start of every later cached day', async () => {
      const { bucketId } = await stage(t, 'earliest');
      const nodeId = await createNode(t);
      await importReports(t, [{ nodeId, bucketId, at: '2024-03-15T12:00:00.000Z', status: 'ONLINE', latencyMs: 5 }]);
      const [first] = await dayStats(t, bucketId, '2024-03-15');
      // 180 s ONLINE out of the 12 h since the timeline started.
      assert.equal(first?.perc_uptime, 0.42);
      await importReports(t, [{ nodeId, bucketId, at: '2024-03-01T00:00:00.000Z', status: 'OFFLINE' }]);
      const [moved] = await dayStats(t, bucketId, '2024-03-15');
      // Now the whole day counts: 180 s out of 24 h.
      assert.equal(moved?.perc_uptime, 0.21);
    });
  });
}
