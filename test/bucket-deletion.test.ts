import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { REPORTS_PER_DELETE } from '../src/store/chunked-report-deletes.js';
import type { IngestResult, NewReport } from '../src/ingest/report-ingest.js';
import type { ServiceStore } from '../src/ingest/service-store.js';
import { leftoversOf, NOTHING_LEFT, seedReports } from './helpers/bucket-rows.js';
import { createBucket, createMember, createWorkspace } from './helpers/fixtures.js';
import { SignedNode, statusRequest } from './helpers/node-signer.js';
import { stageInStore, storeForTests } from './helpers/store-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const NOW = Date.parse('2024-03-20T12:00:00.000Z');

async function newNode(store: ServiceStore, host: string): Promise<string> {
  return (await store.nodes.create({ ip: '10.0.0.2', host, region: 'r', provider: 'p', version: '1', publicKey: 'k' }, NOW)).id;
}

/** Resolves once the bucket's row is gone: the deletion's first transaction committed. */
async function bucketRowGone(store: ServiceStore, bucketId: string): Promise<void> {
  while (await store.db.selectFrom('buckets').select('id').where('id', '=', bucketId).executeTakeFirst()) await sleep(1);
}

for (const kind of STORE_KINDS) {
  describe(`deleting a bucket (${kind})`, () => {
    const t = storeForTests(kind);
    // stageInStore makes one user per instant.
    let staged = 0;

    it('leaves no row of the bucket, whatever reports for it arrive while it goes', async () => {
      const { store } = t;
      const { bucketId, nodeId } = await stageInStore(store, NOW + ++staged);
      await seedReports(store, bucketId, [nodeId], 3 * REPORTS_PER_DELETE, NOW);
      // Nodes that never reported on the bucket: their reports would make new series.
      const nodes = [nodeId, await newNode(store, 'b.example'), await newNode(store, 'c.example')];
      let step = 0;
      const send = (): Promise<IngestResult> =>
        store.reports.ingest(
          nodes.map((id) => ({ nodeId: id, bucketId, at: NOW + ++step * 1000, status: 'ONLINE', latencyMs: 5 })),
        );

      let deleting = true;
      const deletion = store.buckets.delete(bucketId).finally(() => (deleting = false));
      const during: Array<Promise<IngestResult>> = [];
      while (deleting) {
        during.push(send());
        await sleep(1);
      }
      await deletion;
      const afterwards = await Promise.all(Array.from({ length: 5 }, send));
      const results = [...(await Promise.all(during)), ...afterwards];

      for (const result of afterwards) assert.deepEqual(result, { accepted: 0, duplicates: 0, bucketGone: result.bucketGone });
      for (const result of results) assert.equal(result.accepted + result.bucketGone.length, nodes.length);
      assert.ok(
        results.some((r) => r.bucketGone.length > 0),
        'reports came after the bucket was gone',
      );
      assert.deepEqual(await leftoversOf(store, bucketId), NOTHING_LEFT);
    });

    it('lets other writes commit between its chunks', async () => {
      const { store } = t;
      const { bucketId, nodeId } = await stageInStore(store, NOW + ++staged);
      const other = (await store.buckets.create({ ...bucketFields, workspaceId: await workspaceOf(store, bucketId) }, NOW)).id;
      await seedReports(store, bucketId, [nodeId], 20 * REPORTS_PER_DELETE, NOW);
      let deleted = false;
      const deletion = store.buckets.delete(bucketId).then(() => (deleted = true));
      await bucketRowGone(store, bucketId);
      // The same node as the bucket's series: on PostgreSQL the old single transaction held it to the end.
      const report: NewReport = { nodeId, bucketId: other, at: NOW, status: 'ONLINE', latencyMs: 1 };
      const stored = await store.reports.ingest([report]);
      assert.equal(stored.accepted, 1);
      assert.equal(deleted, false, 'a report for another bucket was stored before the deletion finished');
      await deletion;
      assert.deepEqual(await leftoversOf(store, bucketId), NOTHING_LEFT);
    });

    it('finishes at the next start a deletion that a stopped process left half done', async () => {
      const { store } = t;
      const { bucketId, nodeId } = await stageInStore(store, NOW + ++staged);
      await seedReports(store, bucketId, [nodeId, await newNode(store, 'd.example')], 2 * REPORTS_PER_DELETE, NOW);
      // What the first transaction of a deletion leaves: bucket and series gone, their ids listed.
      await store.db.transaction().execute(async (trx) => {
        const series = (await trx.deleteFrom('series').where('bucket_id', '=', bucketId).returning('id').execute()).map(
          (s) => s.id,
        );
        await trx
          .insertInto('deleted_series')
          .values(series.map((id) => ({ series_id: id })))
          .execute();
        if (kind === 'sqlite') await trx.deleteFrom('reports_recent').where('series_id', 'in', series).execute();
        await trx.deleteFrom('buckets').where('id', '=', bucketId).execute();
      });
      const left = await leftoversOf(store, bucketId);
      assert.ok(left.orphanRollups > 0 && left.pendingSeries === 2, JSON.stringify(left));
      await t.reopen();
      for (let waited = 0; (await leftoversOf(t.store, bucketId)).pendingSeries > 0 && waited < 30_000; waited += 20)
        await sleep(20);
      assert.deepEqual(await leftoversOf(t.store, bucketId), NOTHING_LEFT);
    });
  });

  describe(`deleting a bucket while its nodes report (${kind}, HTTP)`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind, { now: new Date(NOW).toISOString() });
    });
    after(() => t.close());

    it('answers every status and import, refusing entries for the bucket once it is gone, and leaves nothing of it', async () => {
      const member = await createMember(t, 'deleter@example.com');
      const workspaceId = await createWorkspace(t, member.userId);
      const bucketId = await createBucket(t, workspaceId);
      const nodes = await Promise.all([SignedNode.create(t), SignedNode.create(t)]);
      await seedReports(t.store, bucketId, [nodes[0]?.id ?? ''], 2 * REPORTS_PER_DELETE, NOW);

      let deleting = true;
      const deletion = t
        .call({ method: 'DELETE', url: `/bucket/${bucketId}`, token: member.token })
        .finally(() => (deleting = false));
      // Each node sends one request after the other, as nodes do (a later timestamp first would be a replay).
      const statuses: Array<{ statusCode: number; body: string }> = [];
      const imports: Array<{ statusCode: number; body: string }> = [];
      const whileDeleting = async (send: (k: number) => Promise<void>): Promise<void> => {
        for (let k = 1; deleting || k <= 3; k++) await send(k);
      };
      await Promise.all([
        ...nodes.map((node) =>
          whileDeleting(async (k) => {
            const entry = { bucketId, at: NOW - 60_000 + k, status: 'ONLINE' as const, latencyMs: 3 };
            statuses.push(await node.send('/node/status', statusRequest(NOW + k, [entry])));
          }),
        ),
        whileDeleting(async (k) => {
          const report = { nodeId: nodes[1]?.id, bucketId, at: new Date(NOW - 120_000 + k).toISOString(), status: 'OFFLINE' };
          imports.push(await t.call({ method: 'POST', url: '/admin/reports', payload: { reports: [report] } }));
        }),
      ]);
      assert.equal((await deletion).statusCode, 200);
      for (const res of statuses) {
        assert.equal(res.statusCode, 200, res.body);
        const answer = JSON.parse(res.body) as { accepted: number; rejected: Array<{ message: string }> };
        assert.equal(answer.accepted + answer.rejected.length, 1, res.body);
        for (const rejected of answer.rejected) assert.equal(rejected.message, `no bucket ${bucketId}`);
      }
      for (const res of imports) {
        if (res.statusCode === 400) assert.match(res.body, new RegExp(`reports\\[0\\]\\.bucketId: no bucket ${bucketId}`));
        else assert.equal(res.statusCode, 200, res.body);
      }
      assert.deepEqual(await leftoversOf(t.store, bucketId), NOTHING_LEFT);
    });
  });
}

const bucketFields = { name: 'other', storageType: 'S3', bucket: null, endpoint: null, region: null };

async function workspaceOf(store: ServiceStore, bucketId: string): Promise<string> {
  return ((await store.buckets.find(bucketId)) as { workspace_id: string }).workspace_id;
}
