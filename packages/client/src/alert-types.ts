/** Where alerts go: a signed webhook, a Slack or Discord incoming webhook, or an email address. */
export type AlertChannelKind = 'webhook' | 'slack' | 'discord' | 'email';

/** The events a rule can ask for; `test` is sent on demand only. */
export type AlertRuleEvent = 'node.down' | 'node.up' | 'uptime.below';
export type AlertEventType = AlertRuleEvent | 'test';
export type AlertDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'gave_up';

/**
 * An alert channel. `target` is the URL without its query string (Slack and
 * Discord: masked), or the email address; a channel whose receiver answered
 * 410 is `enabled: false` with the reason.
 *
 * @example
 * const disabled = channels.filter((c: AlertChannel) => !c.enabled);
 */
export interface AlertChannel {
  id: string;
  workspaceId: string;
  name: string;
  kind: AlertChannelKind;
  target: string;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
}

/**
 * The body of `createAlertChannel`: `url` for webhook, slack and discord, `email` for email.
 *
 * @example
 * const hook: CreateAlertChannelRequest = { name: 'on-call', kind: 'webhook', url: 'https://example.com/hooks/flashback' };
 */
export interface CreateAlertChannelRequest {
  name: string;
  kind: AlertChannelKind;
  url?: string;
  email?: string;
}

/** The body of `updateAlertChannel`: what is left out stays; `enabled: true` enables a channel a 410 disabled. */
export interface UpdateAlertChannelRequest {
  name?: string;
  url?: string;
  email?: string;
  enabled?: boolean;
}

export interface AlertChannelResponse {
  success: boolean;
  channel: AlertChannel;
}

/** A webhook channel's signing secret (`whsec_…`) is in `secret`, this once. */
export interface CreateAlertChannelResponse extends AlertChannelResponse {
  secret?: string;
}

export interface AlertChannelsResponse {
  success: boolean;
  channels: AlertChannel[];
}

export interface RotateAlertSecretResponse {
  success: boolean;
  secret: string;
}

export interface TestAlertResponse {
  success: boolean;
  eventId: string;
}

/**
 * Which events go to which channels. `bucketIds` empty: every bucket of the
 * workspace, also ones made later. `forSeconds`: how long a node must stay
 * not ONLINE before `node.down`. `uptimeBelow`: the threshold of `uptime.below`.
 *
 * @example
 * const rule: AlertRuleRequest = { name: 'edge', events: ['node.down', 'node.up'], channelIds: [channelId], forSeconds: 60 };
 */
export interface AlertRuleRequest {
  name: string;
  events: AlertRuleEvent[];
  bucketIds?: string[];
  channelIds: string[];
  forSeconds?: number;
  uptimeBelow?: number | null;
}

export interface AlertRule {
  id: string;
  workspaceId: string;
  name: string;
  events: AlertRuleEvent[];
  bucketIds: string[];
  channelIds: string[];
  forSeconds: number;
  uptimeBelow: number | null;
  createdAt: string;
}

export interface AlertRuleResponse {
  success: boolean;
  rule: AlertRule;
}

export interface AlertRulesResponse {
  success: boolean;
  rules: AlertRule[];
}

/** Filters of `getAlertDeliveries`; `limit` 1-500 (default 100). */
export interface AlertDeliveriesQuery {
  channelId?: string;
  eventType?: AlertEventType;
  status?: AlertDeliveryStatus;
  limit?: number;
}

/** One try of a delivery, or a delivery waiting for its next try (`pending`, `attemptedAt` null). */
export interface AlertDelivery {
  eventId: string;
  eventType: AlertEventType;
  channelId: string;
  attempt: number;
  attemptedAt: string | null;
  nextAttemptAt: string | null;
  status: AlertDeliveryStatus;
  httpStatus: number | null;
  error: string | null;
  durationMs: number | null;
}

export interface AlertDeliveriesResponse {
  success: boolean;
  deliveries: AlertDelivery[];
}
