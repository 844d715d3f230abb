import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alertStage, FAST_ALERTS, sleep, type AlertStage } from './helpers/alert-stage.js';
import { SignedNode, statusRequest } from './helpers/node-signer.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const STALE_MS = 2_000;

for (const kind of STORE_KINDS) {
  describe(`alert events (${kind})`, () => {
    let t: TestApp;
    const stages: AlertStage[] = [];
    const staged = async (rule: Record<string, unknown> = {}): Promise<AlertStage> => {
      const s = await alertStage(t, rule);
      stages.push(s);
      return s;
    };

    before(async () => {
      t = await startTestApp(kind, { env: FAST_ALERTS });
      // Alerts are about the current instant: this app's clock is the real one.
      t.clock.now = () => Date.now();
    });
    after(async () => {
      await t.close();
      for (const s of stages) await s.receiver.close();
    });

    it('an OFFLINE report sends one node.down with its facts, and ONLINE again one node.up after it', async () => {
      const s = await staged();
      await s.report('ONLINE');
      const downAt = Date.now();
      await s.report('OFFLINE', downAt);
      const [down] = await s.receiver.waitFor(1);
      assert.ok(down);
      assert.equal(down.body.type, 'node.down');
      assert.equal(down.id, down.body.id);
      assert.deepEqual(
        { ...down.body.data, dashboardUrl: undefined, ruleId: undefined },
        {
          workspaceId: s.workspaceId,
          bucketId: s.bucketId,
          bucketName: 'bucket',
          nodeId: s.node.id,
          host: 'edge-1.example',
          ip: '203.0.113.7',
          region: 'westeurope',
          status: 'OFFLINE',
          previousStatus: 'ONLINE',
          since: new Date(downAt).toISOString(),
          ruleName: 'nodes',
          dashboardUrl: undefined,
          ruleId: undefined,
        },
      );
      assert.match(String(down.body.data.dashboardUrl), new RegExp(`bucket=${s.bucketId}`));
      const upAt = Date.now();
      await s.report('ONLINE', upAt);
      const [, up] = await s.receiver.waitFor(2);
      assert.ok(up);
      assert.equal(up.body.type, 'node.up');
      assert.equal(up.body.data.since, new Date(upAt).toISOString());
      assert.equal(up.body.data.downMs, upAt - downAt);
      assert.equal(up.body.data.previousStatus, 'OFFLINE');
      await sleep(500);
      assert.equal(s.receiver.arrived.length, 2, 'nothing more');
      const list = await t.call({ method: 'GET', url: `/workspace/${s.workspaceId}/alerts/deliveries` });
      assert.equal(list.statusCode, 200);
      const deliveries = list.json<{
        deliveries: Array<{ eventType: string; status: string; attempt: number; httpStatus: number }>;
      }>().deliveries;
      assert.deepEqual(
        deliveries.map((d) => [d.eventType, d.status, d.attempt, d.httpStatus]),
        [
          ['node.up', 'delivered', 1, 200],
          ['node.down', 'delivered', 1, 200],
        ],
      );
    });

    it('a flap shorter than forSeconds sends nothing; a longer outage sends node.down once it has lasted forSeconds', async () => {
      const s = await staged({ forSeconds: 1 });
      await s.report('ONLINE');
      await s.report('OFFLINE');
      await sleep(300);
      await s.report('ONLINE');
      await sleep(1_500);
      assert.equal(s.receiver.arrived.length, 0);
      const downAt = Date.now();
      await s.report('OFFLINE', downAt);
      const [down] = await s.receiver.waitFor(1, 5_000);
      assert.equal(down?.body.type, 'node.down');
      assert.equal(down?.body.data.since, new Date(downAt).toISOString());
      assert.ok((down?.arrivedAt ?? 0) - downAt >= 1_000, 'not before forSeconds');
    });

    it('a node that goes silent sends node.down within STALE_AFTER_SECONDS + 10 s, with no request arriving', async () => {
      const s = await staged();
      const lastAt = Date.now();
      await s.report('ONLINE', lastAt);
      const [down] = await s.receiver.waitFor(1, STALE_MS + 10_000);
      assert.equal(down?.body.type, 'node.down');
      assert.equal(down?.body.data.status, 'DISCONNECTED');
      assert.equal(down?.body.data.since, new Date(lastAt + STALE_MS).toISOString());
      assert.ok((down?.arrivedAt ?? 0) <= lastAt + STALE_MS + 10_000);
    });

    it('a late report about an old outage sends nothing', async () => {
      const s = await staged();
      const now = Date.now();
      await s.report('ONLINE', now);
      await s.report('OFFLINE', now - 1_000);
      await s.report('ONLINE', now + 1);
      await sleep(800);
      assert.equal(s.receiver.arrived.length, 0);
    });

    async function announceMaintenance(s: AlertStage): Promise<void> {
      const start = new Date(Date.now() + 50).toISOString();
      const end = new Date(Date.now() + 3_600_000).toISOString();
      const res = await t.call({
        method: 'POST',
        url: `/bucket/${s.bucketId}/maintenance`,
        payload: { start, end, nodeIds: [s.node.id] },
      });
      assert.equal(res.statusCode, 201, res.body);
      await sleep(100);
    }

    it('inside a maintenance window sends no node.down, nor later the node.up', async () => {
      const s = await staged();
      await s.report('ONLINE');
      await announceMaintenance(s);
      await s.report('OFFLINE');
      await sleep(600);
      await s.report('ONLINE');
      await sleep(400);
      assert.equal(s.receiver.arrived.length, 0);
    });

    it('sends the node.up of a node.down sent before the window', async () => {
      const s = await staged();
      await s.report('ONLINE');
      await s.report('OFFLINE');
      await s.receiver.waitFor(1);
      await announceMaintenance(s);
      await s.report('ONLINE');
      const [, up] = await s.receiver.waitFor(2);
      assert.equal(up?.body.type, 'node.up');
    });

    it('uptime.below: once per node and day, and one event for the bucket when every node is below', async () => {
      const s = await staged({ events: ['uptime.below'], uptimeBelow: 50 });
      await s.report('ONLINE');
      await sleep(100);
      await s.report('OFFLINE');
      const [below] = await s.receiver.waitFor(1, 5_000);
      assert.equal(below?.body.type, 'uptime.below');
      assert.equal(below?.body.data.nodeId, s.node.id);
      assert.equal(below?.body.data.uptimeBelow, 50);
      assert.ok(Number(below?.body.data.perc_uptime) < 50);
      await sleep(600);
      assert.equal(s.receiver.arrived.length, 1, 'once per (node, bucket, day, rule)');

      const both = await staged({ events: ['uptime.below'], uptimeBelow: 50 });
      const other = await SignedNode.create(t, { host: 'edge-2.example' });
      let timestamp = Date.now() + 10_000;
      const reportOther = async (status: 'ONLINE' | 'OFFLINE'): Promise<void> => {
        const res = await other.send(
          '/node/status',
          statusRequest(timestamp++, [{ bucketId: both.bucketId, at: Date.now(), status, latencyMs: null }]),
        );
        assert.equal(res.statusCode, 200, res.body);
      };
      await Promise.all([both.report('ONLINE'), reportOther('ONLINE')]);
      await sleep(100);
      await Promise.all([both.report('OFFLINE'), reportOther('OFFLINE')]);
      const [bucketWide] = await both.receiver.waitFor(1, 5_000);
      await sleep(600);
      assert.equal(both.receiver.arrived.length, 1);
      assert.equal(bucketWide?.body.data.nodeId, null);
      assert.equal(bucketWide?.body.data.bucketId, both.bucketId);
    });
  });
}
