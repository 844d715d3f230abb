import { MAX_RANGE_DAYS } from '../stats/bucket-range-stats.js';
import type { DaySpan } from '../stats/incidents.js';
import { DAY_MS, dayOf, formatInstant } from '../time/instant.js';
import { ApiError } from './api-error.js';
import { dayNumberOf } from './input.js';

/** A UTC day number as answers give it: YYYY-MM-DD. */
export const dayText = (day: number): string => formatInstant(day * DAY_MS).slice(0, 10);

/** A 400 when `day` lies after the current UTC day at `now`. */
export function requireNotAfterToday(field: string, day: number, now: number): void {
  if (day > dayOf(now)) throw ApiError.badRequest(`${field} ${dayText(day)} is after the current UTC day`);
}

/**
 * The span of days of a `{from, to}` body, as the range and report calls
 * take it (each day checked by the schema, `Day`): `from` not after `to`,
 * `to` not after the current UTC day, at most `MAX_RANGE_DAYS` days; else a
 * 400 saying which.
 *
 * @example
 * requireDaySpan({ from: '2024-01-01', to: '2024-01-31' }, Date.now()) // { fromDay: 19723, toDay: 19753 }
 */
export function requireDaySpan(body: { from: string; to: string }, now: number): DaySpan {
  const fromDay = dayNumberOf(body.from);
  const toDay = dayNumberOf(body.to);
  if (fromDay > toDay) throw ApiError.badRequest(`from ${dayText(fromDay)} is after to ${dayText(toDay)}`);
  requireNotAfterToday('to', toDay, now);
  const span = toDay - fromDay + 1;
  if (span > MAX_RANGE_DAYS) {
    throw ApiError.badRequest(
      `from ${dayText(fromDay)} to ${dayText(toDay)} spans ${span} days; at most ${MAX_RANGE_DAYS} may be asked`,
    );
  }
  return { fromDay, toDay };
}
