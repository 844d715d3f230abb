import assert from 'node:assert/strict';
import { stage } from './fixtures.js';
import { SignedNode, statusRequest } from './node-signer.js';
import type { TestApp } from './test-app.js';
import { WebhookReceiver } from './webhook-receiver.js';

/** Settings that make alerts fast enough for tests: a 2 s stale time, 200 ms sweeps, 100 ms backoff, 1 s timeout. */
export const FAST_ALERTS = {
  ALERT_ALLOW_PRIVATE_TARGETS: '1',
  STALE_AFTER_SECONDS: '2',
  ALERT_SWEEP_MS: '200',
  ALERT_RETRY_BASE_MS: '100',
  ALERT_RETRY_MAX_MS: '400',
  ALERT_TIMEOUT_MS: '1000',
};

/** A workspace with a bucket, a reporting node, a webhook channel on a live receiver, and a rule. */
export interface AlertStage {
  workspaceId: string;
  bucketId: string;
  node: SignedNode;
  channelId: string;
  ruleId: string;
  receiver: WebhookReceiver;
  /** Sends one report of the node, measured now (or at `at`), signed with a fresh timestamp. */
  report(status: 'ONLINE' | 'OFFLINE' | 'DISCONNECTED', at?: number): Promise<void>;
}

let lastTimestamp = 0;

/**
 * Stages the usual alert scene on a test app whose clock follows real time.
 *
 * @example
 * const s = await alertStage(t, { events: ['node.down', 'node.up'] });
 */
export async function alertStage(t: TestApp, rule: Record<string, unknown> = {}): Promise<AlertStage> {
  const { workspaceId, bucketId } = await stage(t, 'alerts');
  const node = await SignedNode.create(t, { host: 'edge-1.example', ip: '203.0.113.7', region: 'westeurope' });
  const receiver = await WebhookReceiver.start();
  const channel = await t.call({
    method: 'POST',
    url: `/workspace/${workspaceId}/alerts/channels`,
    payload: { name: 'on-call', kind: 'webhook', url: receiver.url },
  });
  assert.equal(channel.statusCode, 201, channel.body);
  const created = channel.json<{ channel: { id: string }; secret: string }>();
  receiver.secret = created.secret;
  const ruleAnswer = await t.call({
    method: 'POST',
    url: `/workspace/${workspaceId}/alerts/rules`,
    payload: { name: 'nodes', events: ['node.down', 'node.up'], channelIds: [created.channel.id], ...rule },
  });
  assert.equal(ruleAnswer.statusCode, 201, ruleAnswer.body);
  const report = async (status: 'ONLINE' | 'OFFLINE' | 'DISCONNECTED', at = Date.now()): Promise<void> => {
    lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
    const res = await node.send(
      '/node/status',
      statusRequest(lastTimestamp, [{ bucketId, at, status, latencyMs: status === 'ONLINE' ? 20 : null }]),
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ accepted: number }>().accepted, 1, res.body);
  };
  return {
    workspaceId,
    bucketId,
    node,
    channelId: created.channel.id,
    ruleId: ruleAnswer.json<{ rule: { id: string } }>().rule.id,
    receiver,
    report,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
