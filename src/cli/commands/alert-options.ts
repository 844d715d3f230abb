import type { AlertChannelKind, AlertDeliveryStatus, AlertEventType, AlertRuleEvent } from '@flashback/bucket-stats-client';
import { InvalidArgumentError } from 'commander';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CHANNEL_KINDS: readonly AlertChannelKind[] = ['webhook', 'slack', 'discord', 'email'];
export const RULE_EVENTS: readonly AlertRuleEvent[] = ['node.down', 'node.up', 'uptime.below'];
export const EVENT_TYPES: readonly AlertEventType[] = [...RULE_EVENTS, 'test'];
export const DELIVERY_STATUSES: readonly AlertDeliveryStatus[] = ['pending', 'delivered', 'failed', 'gave_up'];

// Options are checked before anything is sent: a typo is a usage error (exit 2), not a round trip.

/** One of `allowed`, or a usage error naming them. */
export function oneOf<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
    return value as T;
  };
}

/** A comma-separated list of `allowed` values, each once. */
export function listOf<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  const one = oneOf(allowed);
  return (value) => {
    const items = value.split(',').map((item) => one(item.trim()));
    if (new Set(items).size !== items.length) throw new InvalidArgumentError('each value once');
    return items;
  };
}

/** Ids (UUIDs) separated by commas. */
export function idList(value: string): string[] {
  const ids = value.split(',').map((id) => id.trim());
  if (ids.some((id) => !UUID.test(id))) throw new InvalidArgumentError('expected ids (UUIDs) separated by commas');
  return ids;
}

/** One id (a UUID). */
export function id(value: string): string {
  if (!UUID.test(value)) throw new InvalidArgumentError('expected an id (UUID)');
  return value;
}

/** Whole seconds, 0-86400 (a day of hold-down at most, as the service takes it). */
export function seconds(value: string): number {
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0 && n <= 86_400)) throw new InvalidArgumentError('expected whole seconds, 0-86400');
  return n;
}

/** A percentage above 0 and at most 100. */
export function percentage(value: string): number {
  const n = /^\d{1,3}(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(n > 0 && n <= 100)) throw new InvalidArgumentError('expected a percentage above 0 and at most 100, e.g. 99.5');
  return n;
}

/** How many deliveries, 1-500. */
export function limit(value: string): number {
  const n = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 500)) throw new InvalidArgumentError('expected 1-500');
  return n;
}
