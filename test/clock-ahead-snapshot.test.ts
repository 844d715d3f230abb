import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { bucketDayAnswer } from '../src/stats/bucket-day-stats.js';
import { dayWindow, nodeDayStatsFromReports, type NodeDayStats } from '../src/stats/daily-node-stats.js';
import type { Report } from '../src/stats/node-status.js';
import type { NewReport } from '../src/ingest/report-ingest.js';
import { dayOf } from '../src/time/instant.js';
import { stageInStore, storeForTests } from './helpers/store-fixtures.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const NOW = Date.parse('2024-03-20T12:00:00.000Z');
const SETTINGS = { staleAfterMs: 180_000, nodeRetentionDays: 7 };
const NODES = 3;

// From yesterday morning (the status carried into today) to the 300 s a node may run ahead, mostly near now.
const offset = fc.oneof(
  fc.integer({ min: -30 * 3_600_000, max: -1 }),
  fc.integer({ min: -600_000, max: -1 }),
  fc.integer({ min: 0, max: 300_000 }),
);
// Reports of the nodes (by index), `offsetMs` from NOW (after it: the node's clock runs ahead), each stored
// before the answer starts (A) or while it reads (B).
const caseReports = fc.uniqueArray(
  fc.record({
    node: fc.integer({ min: 0, max: NODES - 1 }),
    offsetMs: offset,
    status: fc.constantFrom<Report['status']>('ONLINE', 'ONLINE', 'OFFLINE', 'DISCONNECTED'),
    latencyMs: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
    phase: fc.constantFrom<'A' | 'B'>('A', 'B'),
  }),
  { minLength: 1, maxLength: 40, selector: (r) => `${r.node}/${r.offsetMs}` },
);

const numbersOf = (entry: NodeDayStats): NodeDayStats => ({
  percUptime: entry.percUptime,
  avgLatencyMs: entry.avgLatencyMs,
  lastUpdated: entry.lastUpdated,
  lastLatencyMs: entry.lastLatencyMs,
  nodeStatus: entry.nodeStatus,
});

for (const kind of STORE_KINDS) {
  describe(`the current day with node clocks running ahead (${kind})`, () => {
    const t = storeForTests(kind, SETTINGS.staleAfterMs);
    let workspaceId: string;
    const nodeIds: string[] = [];
    before(async () => {
      const { store } = t;
      const { bucketId, nodeId } = await stageInStore(store, NOW);
      workspaceId = ((await store.buckets.find(bucketId)) as { workspace_id: string }).workspace_id;
      nodeIds.push(nodeId);
      for (let i = 1; i < NODES; i++) {
        const node = await store.nodes.create(
          { ip: '10.0.0.3', host: `n${i}.example`, region: 'r', provider: 'p', version: '1', publicKey: 'k' },
          NOW,
        );
        nodeIds.push(node.id);
      }
    });

    it("answers each node as a recomputation from its reports, even when reports land between the answer's reads", async () => {
      const { store } = t;
      const window = dayWindow(dayOf(NOW), NOW);
      await fc.assert(
        fc.asyncProperty(caseReports, async (reports) => {
          const bucket = await store.buckets.create(
            { name: 'ahead', workspaceId, storageType: 'S3', bucket: null, endpoint: null, region: null },
            NOW,
          );
          const stored = (phase: 'A' | 'B'): NewReport[] =>
            reports
              .filter((r) => r.phase === phase)
              .map((r) => ({
                nodeId: nodeIds[r.node] as string,
                bucketId: bucket.id,
                at: NOW + r.offsetMs,
                status: r.status,
                latencyMs: r.latencyMs,
              }));
          await store.reports.ingest(stored('A'));
          // Phase B lands after the answer read the bucket's rollups, before anything else it reads.
          const readRollups = store.stats.seriesDays.bind(store.stats);
          store.stats.seriesDays = async (...args) => {
            const rows = await readRollups(...args);
            await store.reports.ingest(stored('B'));
            return rows;
          };
          let entries;
          try {
            ({ entries } = await bucketDayAnswer(store.stats, bucket.id, dayOf(NOW), NOW, SETTINGS));
          } finally {
            Reflect.deleteProperty(store.stats, 'seriesDays');
          }
          for (const entry of entries) {
            const node = nodeIds.indexOf(entry.nodeId);
            const of = (phases: string[]): Report[] =>
              reports
                .filter((r) => r.node === node && phases.includes(r.phase))
                .map((r) => ({ at: NOW + r.offsetMs, status: r.status, latencyMs: r.latencyMs }));
            const before = nodeDayStatsFromReports(of(['A']), window, SETTINGS.staleAfterMs);
            const since = nodeDayStatsFromReports(of(['A', 'B']), window, SETTINGS.staleAfterMs);
            const answered = numbersOf(entry);
            assert.ok(
              [before, since].some((expected) => expected && isDeepStrictEqual(answered, numbersOf(expected))),
              `node ${node}: ${JSON.stringify(answered)} is neither ${JSON.stringify(before)} (before B) nor ${JSON.stringify(since)} (since)`,
            );
          }
        }),
        { numRuns: 40 },
      );
    });
  });
}
