import { Type } from '@sinclair/typebox';
import { DateTimeOut, Id, Name, Nullable, StringEnum } from './common-schemas.js';

export const CHANNEL_KINDS = ['webhook', 'slack', 'discord', 'email'] as const;
export const RULE_EVENTS = ['node.down', 'node.up', 'uptime.below'] as const;
export const EVENT_TYPES = ['node.down', 'node.up', 'uptime.below', 'test'] as const;
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'gave_up'] as const;

export const AlertChannelParams = Type.Object({ workspaceId: Id, channelId: Id });
export const AlertRuleParams = Type.Object({ workspaceId: Id, ruleId: Id });

/** A URL of at most 2 000 characters (checked for scheme and target by the route). */
const TargetUrl = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'http or https URL',
  examples: ['https://example.com/hooks/flashback'],
});

export const CreateAlertChannelRequest = Type.Object({
  name: Name,
  kind: StringEnum(CHANNEL_KINDS, { description: 'webhook (signed, Standard Webhooks), slack, discord, or email' }),
  url: Type.Optional(TargetUrl),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 254, description: 'For kind email' })),
});

export const UpdateAlertChannelRequest = Type.Object({
  name: Type.Optional(Name),
  url: Type.Optional(TargetUrl),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
  enabled: Type.Optional(Type.Boolean({ description: 'true enables a channel that a 410 disabled' })),
});

export const AlertChannel = Type.Object({
  id: Id,
  workspaceId: Id,
  name: Type.String(),
  kind: StringEnum(CHANNEL_KINDS),
  target: Type.String({ description: 'The URL without its query string (Slack and Discord: masked), or the email address' }),
  enabled: Type.Boolean(),
  disabledAt: Nullable(DateTimeOut),
  disabledReason: Nullable(Type.String()),
  createdAt: DateTimeOut,
});

export const AlertChannelResponse = Type.Object({ success: Type.Boolean(), channel: AlertChannel });
export const CreateAlertChannelResponse = Type.Object({
  success: Type.Boolean(),
  channel: AlertChannel,
  secret: Type.Optional(Type.String({ description: "A webhook's signing secret (whsec_...), shown this once" })),
});
export const AlertChannelsResponse = Type.Object({ success: Type.Boolean(), channels: Type.Array(AlertChannel) });
export const RotateSecretResponse = Type.Object({ success: Type.Boolean(), secret: Type.String() });
export const TestEventResponse = Type.Object({ success: Type.Boolean(), eventId: Type.String() });

const RuleFields = {
  name: Name,
  events: Type.Array(StringEnum(RULE_EVENTS), { minItems: 1, maxItems: 3, uniqueItems: true }),
  bucketIds: Type.Optional(Type.Array(Id, { maxItems: 1000, description: 'Empty or absent: every bucket of the workspace' })),
  channelIds: Type.Array(Id, { minItems: 1, maxItems: 100 }),
  forSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, description: 'Hold-down before node.down (default 0)' })),
  uptimeBelow: Type.Optional(
    Nullable(
      Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'uptime.below when the day’s perc_uptime falls below this' }),
    ),
  ),
};
export const AlertRuleRequest = Type.Object(RuleFields);

export const AlertRule = Type.Object({
  id: Id,
  workspaceId: Id,
  name: Type.String(),
  events: Type.Array(StringEnum(RULE_EVENTS)),
  bucketIds: Type.Array(Id),
  channelIds: Type.Array(Id),
  forSeconds: Type.Integer(),
  uptimeBelow: Nullable(Type.Number()),
  createdAt: DateTimeOut,
});
export const AlertRuleResponse = Type.Object({ success: Type.Boolean(), rule: AlertRule });
export const AlertRulesResponse = Type.Object({ success: Type.Boolean(), rules: Type.Array(AlertRule) });

export const DeliveriesQuery = Type.Object({
  channelId: Type.Optional(Id),
  eventType: Type.Optional(StringEnum(EVENT_TYPES)),
  status: Type.Optional(StringEnum(DELIVERY_STATUSES)),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1-500 (default 100)' })),
});

export const Delivery = Type.Object({
  eventId: Type.String(),
  eventType: StringEnum(EVENT_TYPES),
  channelId: Id,
  attempt: Type.Integer({ description: 'Which try (1 is the first); for a pending delivery, the next one' }),
  attemptedAt: Nullable(DateTimeOut),
  nextAttemptAt: Nullable(DateTimeOut),
  status: StringEnum(DELIVERY_STATUSES),
  httpStatus: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  durationMs: Nullable(Type.Integer()),
});
export const DeliveriesResponse = Type.Object({ success: Type.Boolean(), deliveries: Type.Array(Delivery) });
