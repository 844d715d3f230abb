import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { postJson } from '../src/alerts/http-post.js';
import { alertStage, FAST_ALERTS, sleep, type AlertStage } from './helpers/alert-stage.js';
import { stage } from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';

interface DeliveryLine {
  eventId: string;
  eventType: string;
  channelId: string;
  attempt: number;
  status: string;
  httpStatus: number | null;
  error: string | null;
  durationMs: number | null;
}

async function deliveries(t: TestApp, workspaceId: string, query = ''): Promise<DeliveryLine[]> {
  const res = await t.call({ method: 'GET', url: `/workspace/${workspaceId}/alerts/deliveries${query}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ deliveries: DeliveryLine[] }>().deliveries;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function sendTest(t: TestApp, s: Pick<AlertStage, 'workspaceId' | 'channelId'>): Promise<string> {
  const res = await t.call({ method: 'POST', url: `/workspace/${s.workspaceId}/alerts/channels/${s.channelId}/test` });
  assert.equal(res.statusCode, 202, res.body);
  return res.json<{ eventId: string }>().eventId;
}

for (const kind of STORE_KINDS) {
  describe(`alert delivery (${kind})`, () => {
    let t: TestApp;
    let smtp: SMTPServer;
    const mails: string[] = [];
    const receivers: WebhookReceiver[] = [];

    before(async () => {
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, _session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            mails.push(Buffer.concat(chunks).toString('utf8'));
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      const port = (smtp.server.address() as { port: number }).port;
      t = await startTestApp(kind, {
        env: { ...FAST_ALERTS, SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: 'alerts@example.com' },
      });
      t.clock.now = () => Date.now();
    });
    after(async () => {
      await t.close();
      for (const r of receivers) await r.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    });

    it('a receiver refusing, then answering 500, then hanging gets the event once it is back: same webhook-id, every try listed', async () => {
      const s = await alertStage(t);
      receivers.push(s.receiver);
      const port = s.receiver.port;
      await s.receiver.close();
      const eventId = await sendTest(t, s);
      await until(async () => (await deliveries(t, s.workspaceId, '?status=failed')).length >= 2, 5_000);
      const back = await WebhookReceiver.start(port);
      receivers.push(back);
      back.secret = s.receiver.secret;
      back.mode = 500;
      await until(async () => back.requests.length >= 2, 5_000);
      back.mode = 'hang';
      await until(async () => back.requests.length >= 3, 5_000);
      await sleep(1_200);
      back.mode = 200;
      const [arrived] = await back.waitFor(1, 5_000);
      assert.equal(arrived?.id, eventId);
      assert.ok(
        back.requests.every((r) => r.id === eventId),
        'every try carries the same webhook-id',
      );
      await until(async () => (await deliveries(t, s.workspaceId, '?status=delivered')).length === 1, 2_000);
      const lines = (await deliveries(t, s.workspaceId)).filter((d) => d.eventId === eventId).reverse();
      assert.deepEqual(
        lines.map((d) => d.attempt),
        lines.map((_, i) => i + 1),
      );
      assert.equal(lines.at(-1)?.status, 'delivered');
      assert.ok(lines.slice(0, -1).every((d) => d.status === 'failed'));
      assert.ok(
        lines.some((d) => d.error?.includes('ECONNREFUSED')),
        'refused tries listed',
      );
      assert.ok(
        lines.some((d) => d.httpStatus === 500),
        '500s listed',
      );
      assert.ok(
        lines.some((d) => d.error === 'no answer within 1000 ms'),
        'the hang listed',
      );
    });

    it('a 410 disables the channel, listed with why', async () => {
      const s = await alertStage(t);
      receivers.push(s.receiver);
      s.receiver.mode = 410;
      await sendTest(t, s);
      await until(async () => (await deliveries(t, s.workspaceId, '?status=gave_up')).length === 1, 5_000);
      const [line] = await deliveries(t, s.workspaceId);
      assert.equal(line?.httpStatus, 410);
      const res = await t.call({ method: 'GET', url: `/workspace/${s.workspaceId}/alerts/channels/${s.channelId}` });
      const channel = res.json<{ channel: { enabled: boolean; disabledReason: string } }>().channel;
      assert.equal(channel.enabled, false);
      assert.match(channel.disabledReason, /410 Gone/);
      const again = await t.call({ method: 'POST', url: `/workspace/${s.workspaceId}/alerts/channels/${s.channelId}/test` });
      assert.equal(again.statusCode, 409);
    });

    it('deleting the workspace deletes its channels, rules and pending deliveries: nothing goes out in its name', async () => {
      const s = await alertStage(t);
      receivers.push(s.receiver);
      s.receiver.mode = 500;
      await sendTest(t, s);
      await until(async () => (await deliveries(t, s.workspaceId)).length >= 1, 5_000);
      const bucketGone = await t.call({ method: 'DELETE', url: `/bucket/${s.bucketId}` });
      assert.equal(bucketGone.statusCode, 200, bucketGone.body);
      const gone = await t.call({ method: 'DELETE', url: `/workspace/${s.workspaceId}` });
      assert.equal(gone.statusCode, 200, gone.body);
      for (const table of ['alert_channels', 'alert_rules', 'alert_deliveries', 'alert_attempts', 'alert_events'] as const) {
        const left = await t.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('workspace_id', '=', s.workspaceId)
          .executeTakeFirstOrThrow();
        assert.equal(Number(left.n), 0, table);
      }
      // A try already on its way at the deletion may still arrive; none after it (retries come every 100-400 ms).
      await sleep(1_100);
      const tries = s.receiver.requests.length;
      s.receiver.mode = 200;
      await sleep(1_500);
      assert.equal(s.receiver.requests.length, tries, 'no retry after the workspace is gone');
    });

    it('slack, discord and email carry one sentence with the facts and the dashboard link', async () => {
      const { workspaceId } = await stage(t, 'chat');
      const chat = await WebhookReceiver.start();
      receivers.push(chat);
      const made: string[] = [];
      for (const [kindName, target] of [
        ['slack', { url: chat.url }],
        ['discord', { url: chat.url }],
        ['email', { email: 'oncall@example.com' }],
      ] as const) {
        const res = await t.call({
          method: 'POST',
          url: `/workspace/${workspaceId}/alerts/channels`,
          payload: { name: kindName, kind: kindName, ...target },
        });
        assert.equal(res.statusCode, 201, res.body);
        assert.equal(res.json<{ secret?: string }>().secret, undefined);
        made.push(res.json<{ channel: { id: string } }>().channel.id);
      }
      for (const channelId of made) await sendTest(t, { workspaceId, channelId });
      const arrived = await chat.waitFor(2);
      const bodies = arrived.map((a) => a.body as unknown as Record<string, string>);
      assert.ok(
        bodies.some(
          (b) => typeof b.text === 'string' && b.text.startsWith('TEST: ') && b.text.includes(`workspace=${workspaceId}`),
        ),
      );
      assert.ok(bodies.some((b) => typeof b.content === 'string' && b.content.startsWith('TEST: ')));
      await until(async () => mails.length >= 1, 5_000);
      assert.match(mails[0] ?? '', /To: oncall@example\.com/);
      assert.match(mails[0] ?? '', /TEST: this channel receives the alerts/);
    });

    it('refuses internal targets without ALERT_ALLOW_PRIVATE_TARGETS, at creation and at delivery', async () => {
      const strict = await startTestApp(kind, { env: { ...FAST_ALERTS, ALERT_ALLOW_PRIVATE_TARGETS: '0' } });
      try {
        const { workspaceId } = await stage(strict, 'strict');
        for (const url of [
          'http://127.0.0.1:9/x',
          'http://10.1.2.3/x',
          'http://[::1]/x',
          'http://169.254.169.254/latest',
          'http://localhost/x',
          'ftp://example.com/x',
        ]) {
          const res = await strict.call({
            method: 'POST',
            url: `/workspace/${workspaceId}/alerts/channels`,
            payload: { name: 'inside', kind: 'webhook', url },
          });
          assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
        }
        const email = await strict.call({
          method: 'POST',
          url: `/workspace/${workspaceId}/alerts/channels`,
          payload: { name: 'mail', kind: 'email', email: 'a@example.com' },
        });
        assert.equal(email.statusCode, 400);
        assert.match(email.json<{ message: string }>().message, /SMTP_URL/);
      } finally {
        await strict.close();
      }
      const receiver = await WebhookReceiver.start();
      receivers.push(receiver);
      const send = (url: string) => postJson({ url, body: '{}', headers: {}, timeoutMs: 1_000, allowPrivate: false });
      await assert.rejects(send(receiver.url), /internal/);
      await assert.rejects(send(receiver.url.replace('127.0.0.1', 'localhost')), /internal/);
      assert.equal(receiver.requests.length, 0);
    });
  });
}
