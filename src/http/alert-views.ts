import { randomBytes } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { AlertChannelRecord, AlertRuleRecord } from '../store/alert-rule-store.js';
import { formatInstant } from '../time/instant.js';
import type { AlertChannel, AlertRule } from './schemas/alert-schemas.js';

/** A new Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * A channel's target as members see it: a URL without its query string
 * (where tokens often are), and Slack's and Discord's URLs, whose path is
 * itself the secret, cut to their host and last four characters.
 */
export function shownTarget(channel: Pick<AlertChannelRecord, 'kind' | 'target'>): string {
  if (channel.kind === 'email') return channel.target;
  const url = new URL(channel.target);
  if (channel.kind === 'webhook') return `${url.origin}${url.pathname}`;
  return `${url.origin}/…${url.pathname.slice(-4)}`;
}

export function channelView(channel: AlertChannelRecord): Static<typeof AlertChannel> {
  return {
    id: channel.id,
    workspaceId: channel.workspace_id,
    name: channel.name,
    kind: channel.kind as Static<typeof AlertChannel>['kind'],
    target: shownTarget(channel),
    enabled: channel.disabled_at === null,
    disabledAt: channel.disabled_at === null ? null : formatInstant(channel.disabled_at),
    disabledReason: channel.disabled_reason,
    createdAt: formatInstant(channel.created_at),
  };
}

export function ruleView(rule: AlertRuleRecord): Static<typeof AlertRule> {
  return {
    id: rule.id,
    workspaceId: rule.workspaceId,
    name: rule.name,
    events: rule.events as Static<typeof AlertRule>['events'],
    bucketIds: rule.bucketIds,
    channelIds: rule.channelIds,
    forSeconds: rule.forSeconds,
    uptimeBelow: rule.uptimeBelow,
    createdAt: formatInstant(rule.createdAt),
  };
}
