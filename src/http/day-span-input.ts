import { MAX_RANGE_DAYS } from '../stats/bucket-range-stats.js';
import type { DaySpan } from '../stats/incidents.js';
import { DAY_MS, dayOf, formatInstant, parseDay } from '../time/instant.js';
import { ApiError } from './api-error.js';

/** A UTC day number as answers give it: YYYY-MM-DD. */
export const dayText = (day: number): string => formatInstant(day * DAY_MS).slice(0, 10);

/** The UTC day of a request field, or a 400 naming the field and the forms it takes. */
export function requireDay(field: string, text: string): number {
  const day = parseDay(text);
  if (day === undefined) {
    throw ApiError.badRequest(
      `${field} must be a date (2024-01-15) or an RFC 3339 date-time (2024-01-15T00:00:00.000Z); got ${JSON.stringify(text.slice(0, 64))}`,
    );
  }
  return day;
}

/** A 400 when `day` lies after the current UTC day at `now`. */
export function requireNotAfterToday(field: string, day: number, now: number): void {
  if (day > dayOf(now)) throw ApiError.badRequest(`${field} ${dayText(day)} is after the current UTC day`);
}

/**
 * The span of days of a `{from, to}` body, as the range and report calls
 * take it: both days valid, `from` not after `to`, `to` not after the
 * current UTC day, at most `MAX_RANGE_DAYS` days; else a 400 saying which.
 *
 * @example
 * requireDaySpan({ from: '2024-01-01', to: '2024-01-31' }, Date.now()) // { fromDay: 19723, toDay: 19753 }
 */
export function requireDaySpan(body: { from: string; to: string }, now: number): DaySpan {
  const fromDay = requireDay('from', body.from);
  const toDay = requireDay('to', body.to);
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
