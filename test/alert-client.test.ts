import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiClient, HttpError } from '../packages/client/src/index.js';
import { FAST_ALERTS } from './helpers/alert-stage.js';
import { stage } from './helpers/fixtures.js';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';

for (const kind of STORE_KINDS) {
  describe(`alert client methods (${kind})`, () => {
    let t: TestApp;
    let client: ApiClient;
    let receiver: WebhookReceiver;

    before(async () => {
      t = await startTestApp(kind, { env: FAST_ALERTS });
      t.clock.now = () => Date.now();
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      client = new ApiClient(`http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`);
      client.setAuthToken(OPERATOR_TOKEN);
      receiver = await WebhookReceiver.start();
    });
    after(async () => {
      await t.close();
      await receiver.close();
    });

    it('manage channels and rules, send a test, rotate the secret, list deliveries', async () => {
      const { workspaceId, bucketId } = await stage(t, 'client');
      const made = await client.createAlertChannel(workspaceId, {
        name: 'hook',
        kind: 'webhook',
        url: `${receiver.url}?key=abc`,
      });
      assert.match(made.secret ?? '', /^whsec_/);
      assert.equal(made.channel.target, receiver.url, 'no query string shown');
      const channelId = made.channel.id;
      assert.deepEqual((await client.getAlertChannels(workspaceId)).channels, [made.channel]);
      assert.deepEqual((await client.getAlertChannel(workspaceId, channelId)).channel, made.channel);
      assert.equal((await client.updateAlertChannel(workspaceId, channelId, { name: 'renamed' })).channel.name, 'renamed');

      const { secret } = await client.rotateAlertChannelSecret(workspaceId, channelId);
      assert.notEqual(secret, made.secret);
      receiver.secret = secret;
      const { eventId } = await client.testAlertChannel(workspaceId, channelId);
      const [arrived] = await receiver.waitFor(1);
      assert.equal(arrived?.id, eventId);
      assert.equal(arrived?.body.type, 'test');

      const { rule } = await client.createAlertRule(workspaceId, {
        name: 'edge',
        events: ['node.down', 'node.up'],
        bucketIds: [bucketId],
        channelIds: [channelId],
        forSeconds: 30,
      });
      assert.deepEqual((await client.getAlertRules(workspaceId)).rules, [rule]);
      assert.deepEqual((await client.getAlertRule(workspaceId, rule.id)).rule, rule);
      const changed = await client.updateAlertRule(workspaceId, rule.id, { ...rule, forSeconds: 60 });
      assert.equal(changed.rule.forSeconds, 60);
      await assert.rejects(
        client.deleteAlertChannel(workspaceId, channelId),
        (error: unknown) => error instanceof HttpError && error.status === 409,
      );
      await assert.rejects(
        client.createAlertRule(workspaceId, { name: 'bad', events: ['uptime.below'], channelIds: [channelId] }),
        (error: unknown) => error instanceof HttpError && error.status === 400,
      );
      await client.deleteAlertRule(workspaceId, rule.id);
      await client.deleteAlertChannel(workspaceId, channelId);
      assert.deepEqual((await client.getAlertChannels(workspaceId)).channels, []);

      let deliveries = (await client.getAlertDeliveries(workspaceId, { eventType: 'test', limit: 10 })).deliveries;
      for (let i = 0; i < 20 && deliveries.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        deliveries = (await client.getAlertDeliveries(workspaceId, { eventType: 'test', limit: 10 })).deliveries;
      }
      assert.deepEqual(
        deliveries.map((d) => [d.eventId, d.status, d.attempt, d.httpStatus]),
        [[eventId, 'delivered', 1, 200]],
      );
    });
  });
}
