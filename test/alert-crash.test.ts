import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateNodeKeys, statusRequest } from './helpers/node-signer.js';
import {
  createNodeThroughApi,
  expectJson,
  killRunningServices,
  sendSigned,
  stageThroughApi,
  startService,
  type ServiceProcess,
} from './helpers/service-process.js';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from './helpers/test-stores.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';

// The real service, killed with SIGKILL right after it acknowledged the
// report that changes a node's status, ten times over on one store: every
// event must still arrive once the service is back, in order, and a
// duplicate may only repeat a webhook-id. Its logs must never hold the
// channel's secret or its URL's query string.

const ROUNDS = 10;
const QUERY_SECRET = 'querytoken-5c1f0e';

for (const kind of STORE_KINDS) {
  describe(`alerts survive SIGKILL (${kind})`, () => {
    let database: TestDatabase;
    let receiver: WebhookReceiver;
    const logs: string[] = [];
    const env = {
      ALERT_ALLOW_PRIVATE_TARGETS: '1',
      // Longer than a restart: a status reported before the kill still holds after it.
      STALE_AFTER_SECONDS: '120',
      ALERT_SWEEP_MS: '200',
      ALERT_RETRY_BASE_MS: '100',
      ALERT_RETRY_MAX_MS: '400',
      LOG_LEVEL: 'info',
    };

    before(async () => {
      database = await createTestDatabase(kind);
      receiver = await WebhookReceiver.start();
    });
    after(async () => {
      await killRunningServices();
      await receiver.close();
      await database.drop();
    });

    it(`delivers every event raised before ${ROUNDS} kills, after the restarts`, async () => {
      let service: ServiceProcess = await startService({ databaseUrl: database.url, env });
      const stage = await stageThroughApi(service.url, 'crash', 1);
      const bucketId = stage.bucketIds[0] as string;
      const keys = generateNodeKeys();
      const nodeId = await createNodeThroughApi(service.url, keys, 'edge-crash.example');
      const created = await expectJson<{ channel: { id: string }; secret: string }>(
        201,
        service.url,
        'POST',
        `/workspace/${stage.workspaceId}/alerts/channels`,
        { name: 'hook', kind: 'webhook', url: `${receiver.url}?token=${QUERY_SECRET}` },
      );
      receiver.secret = created.secret;
      await expectJson(201, service.url, 'POST', `/workspace/${stage.workspaceId}/alerts/rules`, {
        name: 'all',
        events: ['node.down', 'node.up'],
        channelIds: [created.channel.id],
      });
      const first = await sendSigned(
        service.url,
        '/node/status',
        nodeId,
        keys,
        statusRequest(Date.now(), [{ bucketId, at: Date.now(), status: 'ONLINE', latencyMs: 9 }]),
      );
      assert.equal(first.status, 200);
      // The first try of every event fails: the logs then hold a failed delivery to read.
      for (let round = 0; round < ROUNDS; round++) {
        const status = round % 2 === 0 ? 'OFFLINE' : 'ONLINE';
        const at = Date.now();
        const answer = await sendSigned(
          service.url,
          '/node/status',
          nodeId,
          keys,
          statusRequest(at, [{ bucketId, at, status, latencyMs: null }]),
        );
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        await service.kill();
        logs.push(service.output());
        service = await startService({ databaseUrl: database.url, env });
      }
      const ids = new Set<string>();
      const deadline = Date.now() + 20_000;
      while (ids.size < ROUNDS && Date.now() < deadline) {
        for (const a of receiver.arrived) ids.add(a.id);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // One more event whose first try fails: the logs then hold a failed delivery to read.
      receiver.mode = 500;
      const test = await expectJson<{ eventId: string }>(
        202,
        service.url,
        'POST',
        `/workspace/${stage.workspaceId}/alerts/channels/${created.channel.id}/test`,
      );
      while (!receiver.requests.some((r) => r.id === test.eventId)) await new Promise((resolve) => setTimeout(resolve, 20));
      receiver.mode = 200;
      while (!receiver.arrived.some((a) => a.id === test.eventId)) await new Promise((resolve) => setTimeout(resolve, 20));
      await service.stop();
      logs.push(service.output());
      const firstArrivals = receiver.arrived
        .filter((a) => a.id !== test.eventId)
        .filter((a, i) => receiver.arrived.findIndex((b) => b.id === a.id) === i);
      assert.deepEqual(
        firstArrivals.map((a) => a.body.type),
        Array.from({ length: ROUNDS }, (_, i) => (i % 2 === 0 ? 'node.down' : 'node.up')),
      );
      for (const a of receiver.arrived) {
        const same = receiver.arrived.filter((b) => b.id === a.id);
        assert.ok(
          same.every((b) => JSON.stringify(b.body) === JSON.stringify(a.body)),
          'a repeat is the same event',
        );
      }
      const text = logs.join('\n');
      assert.match(text, /alert delivery failed/, 'the logs were read');
      assert.ok(!text.includes(QUERY_SECRET), 'no URL query string in the logs');
      assert.ok(!text.includes(created.secret.slice(6)), 'no secret in the logs');
      assert.ok(!text.includes('/hooks/flashback'), 'no channel URL in the logs');
    });
  });
}
