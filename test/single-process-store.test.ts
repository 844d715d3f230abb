import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { StoreInUseError } from '../src/store/sqlite/store-lock.js';
import { openServiceStore } from '../src/ingest/service-store.js';
import { generateNodeKeys, statusRequest, type NodeKeys } from './helpers/node-signer.js';
import {
  createNodeThroughApi,
  expectJson,
  freePort,
  isReady,
  killRunningServices,
  sendSigned,
  spawnService,
  stageThroughApi,
  startService,
  type ProcessExit,
  type SpawnedService,
} from './helpers/service-process.js';
import { createTestDatabase } from './helpers/test-stores.js';

/** How a start meant to fail ended: its exit, or 'ready' when it came up instead (the defect). */
async function refusedOrReady(service: SpawnedService, timeoutMs = 60_000): Promise<ProcessExit | 'ready'> {
  let exit: ProcessExit | undefined;
  void service.exited.then((e) => (exit = e));
  const deadline = Date.now() + timeoutMs;
  while (exit === undefined && Date.now() < deadline) {
    if (await isReady(service.url)) {
      service.process.kill('SIGKILL');
      await service.exited;
      return 'ready';
    }
    await delay(100);
  }
  return exit ?? (await service.exited);
}

interface BucketStatus {
  nodeStatus: Array<{ nodeId: string; status: string; lastUpdated: string }>;
}

/** One ONLINE report of `nodeId` on each bucket, signed, now; asserts it was stored. */
async function reportOnline(url: string, nodeId: string, keys: NodeKeys, bucketIds: string[]): Promise<number> {
  const at = Date.now();
  const body = statusRequest(
    at,
    bucketIds.map((bucketId) => ({ bucketId, at, status: 'ONLINE', latencyMs: 12 })),
  );
  const answer = await sendSigned(url, '/node/status', nodeId, keys, body);
  assert.deepEqual([answer.status, answer.body.accepted], [200, bucketIds.length], JSON.stringify(answer.body));
  return at;
}

async function statusOf(url: string, bucketId: string): Promise<BucketStatus['nodeStatus']> {
  return (await expectJson<BucketStatus>(200, url, 'GET', `/bucket/${bucketId}/status`)).nodeStatus;
}

describe('one process per SQLite file', () => {
  after(killRunningServices);

  it('refuses a second service on the same file with one line naming the holder, exit 1; a restart after SIGKILL is not blocked', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const first = await startService({ databaseUrl: database.url });
      const stage = await stageThroughApi(first.url, 'single', 2);
      const [early, late] = stage.bucketIds as [string, string];
      const keys = generateNodeKeys();
      const nodeId = await createNodeThroughApi(first.url, keys, 'node.example');
      const before = await reportOnline(first.url, nodeId, keys, [early]);

      const second = spawnService({ databaseUrl: database.url }, await freePort());
      const outcome = await refusedOrReady(second);
      assert.notEqual(outcome, 'ready', 'a second service started on a file that another one holds');
      assert.deepEqual(outcome, { code: 1, signal: null }, second.output());
      const lines = second.output().trim().split('\n');
      assert.equal(lines.length, 1, second.output());
      assert.match(lines[0] as string, new RegExp(`in use by process ${first.process.pid} on `));

      // The first goes on: it stores a report of a series it has not written yet, and answers both.
      assert.equal(await isReady(first.url), true);
      const afterRefusal = await reportOnline(first.url, nodeId, keys, [early, late]);
      assert.ok(afterRefusal > before);
      for (const bucketId of [early, late]) {
        const [node] = await statusOf(first.url, bucketId);
        assert.deepEqual(
          [node?.nodeId, node?.status, node?.lastUpdated],
          [nodeId, 'ONLINE', new Date(afterRefusal).toISOString()],
        );
      }

      // A SIGKILL leaves no stale lock: the next start comes up on what the first acknowledged.
      assert.equal((await first.kill()).signal, 'SIGKILL');
      const third = await startService({ databaseUrl: database.url });
      const [node] = await statusOf(third.url, late);
      assert.deepEqual([node?.nodeId, node?.lastUpdated], [nodeId, new Date(afterRefusal).toISOString()]);
      assert.deepEqual(await third.stop(), { code: 0, signal: null }, third.output());
    } finally {
      await database.drop();
    }
  });

  it('refuses a second store opened in the same process, and lets it open once the first is closed', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const first = await openServiceStore({ databaseUrl: database.url, staleAfterMs: 180_000 });
      await assert.rejects(
        openServiceStore({ databaseUrl: database.url, staleAfterMs: 180_000 }),
        (error) => error instanceof StoreInUseError && error.message.includes(`in use by process ${process.pid} on `),
      );
      await first.close();
      const again = await openServiceStore({ databaseUrl: database.url, staleAfterMs: 180_000 });
      await again.close();
    } finally {
      await database.drop();
    }
  });

  it('does not apply to PostgreSQL: two services on one database and one DATA_DIR both start', async () => {
    const database = await createTestDatabase('postgres');
    const dataDir = mkdtempSync(join(tmpdir(), 'fbstats-shared-data-'));
    try {
      const env = { DATA_DIR: dataDir };
      const services = await Promise.all([
        startService({ databaseUrl: database.url, env }),
        startService({ databaseUrl: database.url, env }),
      ]);
      for (const service of services) assert.deepEqual(await service.stop(), { code: 0, signal: null }, service.output());
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await database.drop();
    }
  });
});
