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
