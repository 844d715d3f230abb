import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { ReportIngest, type NewReport } from '../src/ingest/report-ingest.js';
import { groupWriteOf, type GroupBatch, type GroupWrite } from '../src/ingest/group-write.js';
import type { ServiceStore } from '../src/ingest/service-store.js';
import { ReplayError } from '../src/ingest/replay-guard.js';
import { StoreEvents } from '../src/store/store-events.js';
import { stageInStore, storeForTests } from './helpers/store-fixtures.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const now = Date.parse('2024-03-20T12:00:00.000Z');

/** `first` and `more` nodes created after it, named `<prefix><i>.example`. */
async function withNodes(store: ServiceStore, first: string, more: number, prefix: string): Promise<string[]> {
  const nodeIds = [first];
  for (let i = 1; i <= more; i++) {
    const node = await store.nodes.create(
      { ip: '10.0.0.1', host: `${prefix}${i}.example`, region: 'r', provider: 'p', version: '1', publicKey: 'k' },
      now,
    );
    nodeIds.push(node.id);
  }
  return nodeIds;
}

for (const kind of STORE_KINDS) {
  describe(`group commits running side by side (${kind})`, () => {
    const t = storeForTests(kind);

    it("commits each node's batches in the order they came, whatever else is in flight", async () => {
      const { store } = t;
      const { bucketId, nodeId: first } = await stageInStore(store, now);
      const nodeIds = await withNodes(store, first, 3, 'n');
      // Ten signed batches per node, all queued at once, one node after the other: the first two start
      // group commits of their own. A later batch committing before an earlier one would make that a replay.
      const calls: Array<Promise<unknown>> = [];
      for (const nodeId of nodeIds) {
        for (let step = 1; step <= 10; step++) {
          const reports: NewReport[] = [{ nodeId, bucketId, at: now + step * 60_000, status: 'ONLINE', latencyMs: step }];
          calls.push(store.reports.ingest(reports, { nodeId, timestamp: now + step }));
        }
      }
      // Unsigned imports touching every node, as `/admin/reports` sends.
      for (let step = 1; step <= 10; step++) {
        calls.push(
          store.reports.ingest(
            nodeIds.map((nodeId) => ({ nodeId, bucketId, at: now - step * 60_000, status: 'OFFLINE', latencyMs: null })),
          ),
        );
      }
      const results = await Promise.all(calls);
      assert.ok(results.every((r) => (r as { accepted: number }).accepted > 0));
      const stored = await sql<{ n: number }>`select count(*) as n from all_reports`.execute(store.db);
      assert.equal(Number(stored.rows[0]?.n), 2 * 10 * nodeIds.length);
      const guards = await store.db.selectFrom('nodes').select('last_timestamp').execute();
      assert.deepEqual(
        guards.map((g) => g.last_timestamp),
        nodeIds.map(() => now + 10),
      );
    });
    it('answers each batch committed alongside others its own counts; a replay refuses its own batch alone', async () => {
      const { store } = t;
      const { bucketId, nodeId: first } = await stageInStore(store, now + 1);
      const nodeIds = await withNodes(store, first, 5, 'm');
      const report = (nodeId: string, minute: number): NewReport => ({
        nodeId,
        bucketId,
        at: now + minute * 60_000,
        status: 'ONLINE',
        latencyMs: minute,
      });
      for (const nodeId of nodeIds) await store.reports.ingest([report(nodeId, 1)], { nodeId, timestamp: now + 100 });
      // Sent at once, so that on SQLite those queued behind the first share its transaction (sqlite-writer-worker.ts).
      const calls = nodeIds.map((nodeId, i) =>
        store.reports.ingest([report(nodeId, 2), report(nodeId, 1), report(nodeId, 2 + i)], {
          nodeId,
          timestamp: now + (i === 3 ? 100 : 200),
        }),
      );
      const results = await Promise.allSettled(calls);
      results.forEach((result, i) => {
        if (i === 3) assert.ok(result.status === 'rejected' && result.reason instanceof ReplayError, 'the replay');
        else if (i === 0)
          assert.deepEqual(result, { status: 'fulfilled', value: { accepted: 1, duplicates: 2, bucketGone: [] } });
        else assert.deepEqual(result, { status: 'fulfilled', value: { accepted: 2, duplicates: 1, bucketGone: [] } });
      });
      const stored = await store.db
        .selectFrom('all_reports as r')
        .innerJoin('series as s', 's.id', 'r.series_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('s.bucket_id', '=', bucketId)
        .executeTakeFirst();
      // The first round's one each, and two new from every batch but the replay (the first node's third is its second).
      assert.equal(Number(stored?.n), nodeIds.length + 1 + 2 * 4);
    });
  });
}

describe('group commits committed together (the SQLite writer thread)', () => {
  it("answers each group its own batches' flags and indexes, and the whole run's buckets", () => {
    const whole: GroupWrite = {
      replayed: new Set([1, 3]),
      refused: new Set([4]),
      goneBuckets: new Set(['gone']),
      stored: [0, 1, 2, 3, 4].map((i) => Uint8Array.of(i)),
      timelineMoved: new Set(['moved']),
    };
    assert.deepEqual(groupWriteOf(whole, 2, 3), {
      replayed: new Set([1]),
      refused: new Set([2]),
      goneBuckets: new Set(['gone']),
      stored: [Uint8Array.of(2), Uint8Array.of(3), Uint8Array.of(4)],
      timelineMoved: new Set(['moved']),
    });
    assert.deepEqual(groupWriteOf(whole, 0, 1).replayed, new Set());
  });
});

describe('group commit scheduling', () => {
  it('runs two groups at once, and holds back a batch whose node is in a running group', async () => {
    const started: Array<{ nodes: string[]; finish: () => void }> = [];
    // A committer that stores everything, and finishes each group when the test says so.
    const commit = (group: readonly GroupBatch[]): Promise<GroupWrite> =>
      new Promise((resolve) => {
        const stored = group.map((batch) => new Uint8Array(batch.reports.length).fill(1));
        const nodes = group.map((batch) => batch.guard?.nodeId ?? '');
        started.push({
          nodes,
          finish: () =>
            resolve({
              replayed: new Set(),
              refused: new Set(),
              goneBuckets: new Set(),
              stored,
              timelineMoved: new Set(),
            }),
        });
      });
    const reports = new ReportIngest(commit, new StoreEvents(), 2);
    const batch = (nodeId: string, step: number) =>
      reports.ingest([{ nodeId, bucketId: 'b', at: now + step, status: 'ONLINE', latencyMs: 1 }], { nodeId, timestamp: step });
    const calls = [batch('a', 1), batch('a', 2), batch('b', 1), batch('a', 3), batch('c', 1)];
    assert.deepEqual(
      started.map((g) => g.nodes),
      [['a'], ['b']],
      "a's second batch waits for its first; b's goes alongside",
    );
    started[0]?.finish();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started[2]?.nodes, ['a', 'a', 'c'], "a's later batches go together, in order, with c's");
    started[1]?.finish();
    started[2]?.finish();
    await Promise.all(calls);
  });
});
