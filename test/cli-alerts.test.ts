import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FAST_ALERTS, sleep } from './helpers/alert-stage.js';
import { addMember, createMember, createWorkspace } from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';
import { failed, listen, ok, runCli, type CliRun } from './fixtures/cli/cli-harness.js';

for (const kind of STORE_KINDS) {
  describe(`fbstats alert (${kind})`, () => {
    let t: TestApp;
    let url: string;
    let workspaceId: string;
    let admin: string;
    let reader: string;
    let receiver: WebhookReceiver;
    const as = (token: string, ...argv: string[]): Promise<CliRun> => runCli([...argv, '--url', url, '--token', token]);

    before(async () => {
      t = await startTestApp(kind, { env: FAST_ALERTS });
      t.clock.now = () => Date.now();
      url = await listen(t);
      const owner = await createMember(t, 'alert-owner@example.com');
      const member = await createMember(t, 'alert-reader@example.com');
      workspaceId = await createWorkspace(t, owner.userId, 'Alerts');
      await addMember(t, workspaceId, member.userId, 'READ', owner.token);
      admin = owner.token;
      reader = member.token;
      receiver = await WebhookReceiver.start();
    });
    after(async () => {
      await receiver.close();
      await t.close();
    });

    it('adds a webhook channel (its secret shown once) and a rule, tests the channel, and lists the delivery', async () => {
      const added = ok(
        await as(
          admin,
          'alert',
          'channel',
          'add',
          workspaceId,
          '--name',
          'on-call',
          '--kind',
          'webhook',
          '--target',
          receiver.url,
        ),
      );
      const [, channelId, target, secret] =
        /^added webhook channel ([0-9a-f-]{36}) → (\S+)\nsigning secret \(shown this once, keep it\): (whsec_\S+)\n$/.exec(
          added.stdout,
        ) ?? [];
      assert.ok(channelId && secret, added.stdout);
      assert.equal(target, receiver.url);
      receiver.secret = secret;
      failed(
        await as(reader, 'alert', 'channel', 'add', workspaceId, '--name', 'x', '--kind', 'webhook', '--target', receiver.url),
        1,
        /\(HTTP 403\)/,
      );
      const channels = ok(await as(reader, 'alert', 'channel', 'list', workspaceId))
        .stdout.trimEnd()
        .split('\n');
      assert.match(channels[0] ?? '', /^id +name +kind +target +state$/);
      assert.match(channels[1] ?? '', new RegExp(`^${channelId} +on-call +webhook +${receiver.url} +enabled$`));

      const rule = ok(
        await as(
          admin,
          'alert',
          'rule',
          'add',
          workspaceId,
          '--name',
          'nodes',
          '--events',
          'node.down,node.up',
          '--channels',
          channelId,
          '--for',
          '30',
        ),
      );
      const [, ruleId] = /^added alert rule ([0-9a-f-]{36}): node\.down, node\.up → 1 channel\(s\)\n$/.exec(rule.stdout) ?? [];
      assert.ok(ruleId, rule.stdout);
      const rules = ok(await as(reader, 'alert', 'rule', 'list', workspaceId))
        .stdout.trimEnd()
        .split('\n');
      assert.match(rules[1] ?? '', new RegExp(`^${ruleId} +nodes +node.down,node.up +all +${channelId} +30s +-$`));

      const tested = ok(await as(admin, 'alert', 'channel', 'test', workspaceId, channelId));
      const [, eventId] = /^sent test event (\S+) to channel /.exec(tested.stdout) ?? [];
      const [arrived] = await receiver.waitFor(1);
      assert.equal(arrived?.body.type, 'test');
      assert.equal(arrived?.id, eventId);
      // The receiver's 2xx is recorded just after it answers.
      let listed = '';
      for (let i = 0; i < 50 && !/ delivered /.test(listed); i++) {
        listed = ok(await as(reader, 'alert', 'deliveries', workspaceId, '--event', 'test')).stdout;
        await sleep(100);
      }
      const lines = listed.trimEnd().split('\n');
      assert.match(lines[0] ?? '', /^when +event +channel +try +status +http +ms +error$/);
      assert.match(lines[1] ?? '', new RegExp(`^\\S+ +test +${channelId} +1 +delivered +200 +\\d+ +-$`));
      const json = JSON.parse(
        ok(await as(reader, 'alert', 'deliveries', workspaceId, '--status', 'delivered', '--json')).stdout,
      ) as {
        deliveries: Array<{ eventId: string; status: string }>;
      };
      assert.deepEqual(
        json.deliveries.map((d) => [d.eventId, d.status]),
        [[eventId, 'delivered']],
      );

      assert.equal(ok(await as(admin, 'alert', 'rule', 'rm', workspaceId, ruleId)).stdout, `removed alert rule ${ruleId}\n`);
      assert.equal(
        ok(await as(admin, 'alert', 'channel', 'rm', workspaceId, channelId)).stdout,
        `removed alert channel ${channelId}\n`,
      );
      assert.equal(ok(await as(reader, 'alert', 'rule', 'list', workspaceId)).stdout, 'no alert rules\n');
      assert.equal(ok(await as(reader, 'alert', 'channel', 'list', workspaceId)).stdout, 'no alert channels\n');
      failed(await as(admin, 'alert', 'channel', 'test', workspaceId, channelId), 1, /\(HTTP 404\)/);
    });

    it('checks kinds, events, ids, seconds and percentages before sending (exit 2); says what the service refused (exit 1)', async () => {
      const channel = (...extra: string[]) => as(admin, 'alert', 'channel', 'add', workspaceId, '--name', 'c', ...extra);
      failed(await channel('--kind', 'fax', '--target', receiver.url), 2, /one of webhook, slack, discord, email/);
      failed(await channel('--kind', 'webhook'), 2, /takes --target/);
      failed(await channel('--kind', 'email', '--target', receiver.url), 2, /takes --email, not --target/);
      failed(await channel('--kind', 'webhook', '--target', 'ftp://example.com/hook'), 1, /\(HTTP 400\)/);
      const id = '00000000-0000-4000-8000-000000000000';
      const rule = (...extra: string[]) => as(admin, 'alert', 'rule', 'add', workspaceId, '--name', 'r', ...extra);
      failed(await rule('--events', 'node.sideways', '--channels', id), 2, /one of node\.down, node\.up, uptime\.below/);
      failed(await rule('--events', 'node.down,node.down', '--channels', id), 2, /each value once/);
      failed(await rule('--events', 'node.down', '--channels', 'abc'), 2, /ids \(UUIDs\)/);
      failed(await rule('--events', 'node.down', '--channels', id, '--for', '-1'), 2, /0-86400/);
      failed(await rule('--events', 'uptime.below', '--channels', id), 2, /go together/);
      failed(await rule('--events', 'uptime.below', '--channels', id, '--uptime-below', '101'), 2, /at most 100/);
      failed(await rule('--events', 'node.down', '--channels', id), 1, /\(HTTP 4\d\d\)/);
      failed(await as(reader, 'alert', 'deliveries', workspaceId, '--limit', '501'), 2, /1-500/);
      failed(await as(reader, 'alert', 'deliveries', workspaceId, '--status', 'lost'), 2, /one of pending/);
    });
  });
}
