import { randomUUID } from 'node:crypto';
import type { AlertSettings } from '../config/config.js';
import type { AlertRuleRecord } from '../store/alert-rule-store.js';
import type { RaisedEvent } from '../store/alert-outbox.js';
import type { Store } from '../store/store.js';
import { formatInstant } from '../time/instant.js';
import { dashboardLink, type AlertData, type AlertEventType, type AlertPayload } from './alert-payload.js';

/** The facts particular to one event; the bucket's and node's own are looked up. */
export type EventFacts = Pick<AlertData, 'status' | 'previousStatus'> &
  Partial<Pick<AlertData, 'downMs' | 'perc_uptime' | 'uptimeBelow'>> & { since: number | null };

/**
 * Builds the stored form of an event: its webhook payload (spec/alerts.md,
 * "Payload") with the bucket's name and the node's host, ip and region as
 * they are now, and the rule's enabled channels.
 *
 * @example
 * const event = await builder.build('node.down', rule, bucketId, nodeId, { status: 'OFFLINE', previousStatus: 'ONLINE', since }, now);
 */
export class AlertEventBuilder {
  constructor(
    private readonly store: Store,
    private readonly settings: AlertSettings,
  ) {}

  async build(
    type: AlertEventType,
    rule: AlertRuleRecord,
    bucketId: string,
    nodeId: string | null,
    facts: EventFacts,
    now: number,
  ): Promise<RaisedEvent> {
    const bucket = await this.store.buckets.find(bucketId);
    const profile = nodeId ? (await this.store.nodes.profiles([nodeId], now)).byNode.get(nodeId) : undefined;
    const channels = await this.store.alertRules.channelsById(rule.channelIds);
    const data: AlertData = {
      workspaceId: rule.workspaceId,
      bucketId,
      bucketName: bucket?.name ?? null,
      nodeId,
      host: profile?.host ?? null,
      ip: profile?.ip ?? null,
      region: profile?.region ?? null,
      status: facts.status,
      previousStatus: facts.previousStatus,
      since: facts.since === null ? null : formatInstant(facts.since),
      ...(facts.downMs !== undefined && { downMs: facts.downMs }),
      ...(facts.perc_uptime !== undefined && { perc_uptime: facts.perc_uptime }),
      ...(facts.uptimeBelow !== undefined && { uptimeBelow: facts.uptimeBelow }),
      ruleId: rule.id,
      ruleName: rule.name,
      dashboardUrl: dashboardLink(this.settings.dashboardUrl, rule.workspaceId, bucketId, now),
    };
    return this.event(
      type,
      data,
      channels.filter((c) => c.disabled_at === null).map((c) => c.id),
      `${bucketId}/${nodeId ?? ''}`,
      now,
    );
  }

  /** A `test` event for one channel. */
  test(workspaceId: string, channelId: string, now: number): RaisedEvent {
    const data: AlertData = {
      workspaceId,
      bucketId: null,
      bucketName: null,
      nodeId: null,
      host: null,
      ip: null,
      region: null,
      status: null,
      previousStatus: null,
      since: null,
      ruleId: null,
      ruleName: null,
      dashboardUrl: dashboardLink(this.settings.dashboardUrl, workspaceId, null, now),
    };
    const event = this.event('test', data, [channelId], '', now);
    return { ...event, orderKey: `test/${event.id}` };
  }

  private event(type: AlertEventType, data: AlertData, channelIds: string[], orderKey: string, now: number): RaisedEvent {
    const id = `evt_${randomUUID()}`;
    const payload: AlertPayload = { type, id, timestamp: formatInstant(now), data };
    // Delivery times run on the wall clock (see DeliveryWorker), whatever clock raised the event.
    return {
      id,
      workspaceId: data.workspaceId,
      type,
      payload: JSON.stringify(payload),
      channelIds,
      orderKey,
      createdAt: Date.now(),
    };
  }
}
