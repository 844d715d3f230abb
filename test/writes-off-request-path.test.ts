import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropRawReports, firstKeptDay } from '../src/store/raw-retention.js';
import { openServiceStore } from '../src/ingest/service-store.js';
import { createBucket, createMember, createToken, createUser, createWorkspace, importReports } from './helpers/fixtures.js';
import { SignedNode, statusRequest } from './helpers/node-signer.js';
import { stageInStore } from './helpers/store-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { createTestDatabase, STORE_KINDS } from './helpers/test-stores.js';

const NOW = Date.parse('2024-03-20T12:00:00.000Z');
const LOAD_MS = 3_000;
const iso = (at: number): string => new Date(at).toISOString();

for (const kind of STORE_KINDS) {
  describe(`writes that no request waits for on this thread (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      // Every SQLite connection gives up on a lock after 1 ms: a write still made on the main thread, or one
      // that fails instead of waiting its turn, would turn up here as a 500.
      t = await startTestApp(kind, { now: iso(NOW), store: { sqliteBusyTimeoutMs: 1 } });
    });
    after(() => t.close());

    it('answers no request with a 5xx under mixed load, with busy_timeout forced to 1 ms', async () => {
      const owner = await createMember(t, 'owner@example.com');
      const workspaceId = await createWorkspace(t, owner.userId);
      const bucketId = await createBucket(t, workspaceId);
      const reporters = await Promise.all([SignedNode.create(t), SignedNode.create(t), SignedNode.create(t)]);
      const registering = await SignedNode.create(t);
      const deadline = Date.now() + LOAD_MS;
      const statuses: number[] = [];
      const answered = (res: { statusCode: number }): { statusCode: number } => (statuses.push(res.statusCode), res);
      const loop = async (work: (step: number) => Promise<unknown>): Promise<void> => {
        for (let step = 1; Date.now() < deadline; step++) await work(step);
      };

      await Promise.all([
        // Nodes reporting: group commits one after the other on the writer.
        ...reporters.map((node) =>
          loop(async (step) => {
            const entries = [0, 1].map((i) => ({
              bucketId,
              at: NOW - 600_000 + step * 10 + i,
              status: 'ONLINE' as const,
              latencyMs: step % 30,
            }));
            answered(await node.send('/node/status', statusRequest(NOW + step, entries)));
          }),
        ),
        // History imports.
        loop(async (step) => {
          const reports = Array.from({ length: 50 }, (_, i) => ({
            nodeId: reporters[0]?.id,
            bucketId,
            at: iso(NOW - 3 * 86_400_000 + step * 50_000 + i * 1_000),
            status: 'OFFLINE',
          }));
          answered(await t.call({ method: 'POST', url: '/admin/reports', payload: { reports } }));
        }),
        // Readers.
        loop(async (step) => {
          const day = iso(NOW - (step % 3) * 86_400_000).slice(0, 10);
          answered(await t.call({ method: 'POST', url: `/bucket/${bucketId}/stats`, payload: { day }, token: owner.token }));
        }),
        // A new token's first use writes its last use.
        loop(async () => {
          const { token } = await createToken(t, owner.userId);
          answered(await t.call({ method: 'GET', url: '/workspace', token }));
        }),
        // A node re-registering.
        loop(async (step) => {
          const body = { ip: '10.1.1.1', region: `r${step % 5}`, provider: 'aws', version: `1.${step}.0`, timestamp: NOW + step };
          answered(await registering.send('/node/register', body));
        }),
        // Members coming, changing role and going.
        loop(async (step) => {
          const userId = await createUser(t, `member-${step}@example.com`);
          const base = `/workspace/${workspaceId}/users`;
          answered(await t.call({ method: 'POST', url: base, payload: { userId, role: 'READ' }, token: owner.token }));
          answered(await t.call({ method: 'PUT', url: `${base}/${userId}`, payload: { role: 'WRITE' }, token: owner.token }));
          answered(await t.call({ method: 'DELETE', url: `${base}/${userId}`, token: owner.token }));
        }),
        // Buckets made, filled and deleted.
        loop(async (step) => {
          const doomed = await createBucket(t, workspaceId, `doomed-${step}`);
          const at = (i: number): string => iso(NOW - 86_400_000 + i * 60_000);
          await importReports(
            t,
            Array.from({ length: 200 }, (_, i) => ({
              nodeId: reporters[1]?.id ?? '',
              bucketId: doomed,
              at: at(i),
              status: 'ONLINE',
            })),
          );
          answered(await t.call({ method: 'DELETE', url: `/bucket/${doomed}`, token: owner.token }));
        }),
        // Retention passes.
        loop(() => dropRawReports(t.store.db, firstKeptDay(NOW, 30))),
      ]);

      const failures = statuses.filter((status) => status >= 500);
      assert.deepEqual(failures, [], `${failures.length} of ${statuses.length} answers were 5xx`);
      assert.ok(statuses.length > 100, `only ${statuses.length} answers`);
    });
  });

  describe(`a token's last use (${kind})`, () => {
    it('is recorded, and a failed write left unawaited is no unhandled rejection', async () => {
      const database = await createTestDatabase(kind);
      const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: 180_000 });
      try {
        await stageInStore(store, NOW);
        const user = await store.users.create('touch@example.com', 'Touch', NOW);
        const token = await store.tokens.create(user?.id ?? '', 'laptop', 'hash-of-touch', null, NOW);
        await store.tokens.touch(token.id, NOW + 5);
        assert.equal((await store.tokens.find(token.id))?.last_used_at, NOW + 5);
      } finally {
        await store.close();
      }
      // The store is gone, so the write fails: fired and forgotten, nothing is left unhandled...
      const unhandled: unknown[] = [];
      const listener = (reason: unknown): void => void unhandled.push(reason);
      process.on('unhandledRejection', listener);
      try {
        void store.tokens.touch('00000000-0000-4000-8000-000000000000', NOW + 6);
        await sleep(200);
      } finally {
        process.off('unhandledRejection', listener);
      }
      assert.deepEqual(unhandled, []);
      // ...while a caller that keeps the promise learns of the failure (to log it).
      await assert.rejects(store.tokens.touch('00000000-0000-4000-8000-000000000000', NOW + 7));
      await database.drop();
    });
  });
}
