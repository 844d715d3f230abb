import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  expectJson,
  killRunningServices,
  stageThroughApi,
  startService,
  type ServiceProcess,
} from './helpers/service-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-stores.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';

// Two instances on one PostgreSQL share one outbox: each (event, channel)
// must reach the receiver once, whichever instance raised it.

const EVENTS = 200;

describe('alerts with two instances on one PostgreSQL', () => {
  let database: TestDatabase;
  let receiver: WebhookReceiver;
  const services: ServiceProcess[] = [];

  before(async () => {
    database = await createTestDatabase('postgres');
    receiver = await WebhookReceiver.start();
  });
  after(async () => {
    await killRunningServices();
    await receiver.close();
    await database.drop();
  });

  it(`delivers each of ${EVENTS} events once`, async () => {
    const env = { ALERT_ALLOW_PRIVATE_TARGETS: '1', ALERT_SWEEP_MS: '200' };
    services.push(await startService({ databaseUrl: database.url, env }));
    services.push(await startService({ databaseUrl: database.url, env }));
    const [a, b] = services as [ServiceProcess, ServiceProcess];
    const stage = await stageThroughApi(a.url, 'instances', 1);
    const channels = `/workspace/${stage.workspaceId}/alerts/channels`;
    const created = await expectJson<{ channel: { id: string }; secret: string }>(201, a.url, 'POST', channels, {
      name: 'hook',
      kind: 'webhook',
      url: receiver.url,
    });
    receiver.secret = created.secret;
    const raised: string[] = [];
    await Promise.all(
      [a, b].map(async (service) => {
        for (let i = 0; i < EVENTS / 2; i++) {
          const { eventId } = await expectJson<{ eventId: string }>(
            202,
            service.url,
            'POST',
            `${channels}/${created.channel.id}/test`,
          );
          raised.push(eventId);
        }
      }),
    );
    await receiver.waitFor(EVENTS, 30_000);
    // Time for a second delivery of any of them, if there were one.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const ids = receiver.arrived.map((arrival) => arrival.id);
    assert.equal(ids.length, EVENTS);
    assert.deepEqual([...new Set(ids)].sort(), [...raised].sort());
  });
});
