import { parseDateTime, parseDay } from '../time/instant.js';
import { ApiError } from './api-error.js';

// Request fields as handlers use them. The schemas check every limit (names,
// ip, host, instants, days: common-schemas.ts); what is left here reads the
// checked text, and checks the email address, whose rule api.md leaves to us.

/**
 * A name as it is stored: its schema (`Name`) checked it, and the whitespace
 * around it goes; an optional one left out or null is null.
 *
 * @example
 * storedName(' Production ') // 'Production'
 * storedName(undefined)      // null
 */
export function storedName(value: string | null | undefined): string | null {
  return value === undefined || value === null ? null : value.trim();
}

function checked(value: number | undefined, text: string, format: string): number {
  // Only a route whose schema lacks the format gets here: a fault of ours (500), not of the caller.
  if (value === undefined) throw new Error(`${JSON.stringify(text)} is no ${format}: the route's schema must check it`);
  return value;
}

/**
 * The epoch milliseconds of an instant that its schema (`Instant`) checked.
 *
 * @example
 * instantOf('2024-01-15T10:00:00+02:00') // 1705305600000
 */
export function instantOf(text: string): number {
  return checked(parseDateTime(text), text, 'date-time');
}

/**
 * The UTC day number of a day that its schema (`Day`) checked.
 *
 * @example
 * dayNumberOf('2024-01-15T01:00:00+02:00') // 19736
 */
export function dayNumberOf(text: string): number {
  return checked(parseDay(text), text, 'date-or-date-time');
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// JSON can escape half of a surrogate pair ("\ud800"), which is no character:
// the stores would keep U+FFFD instead, so what is stored would differ from what was answered.
const LONE_SURROGATE = /\p{Cs}/u;

/** A trimmed email address of at most 254 characters, or a 400. */
export function requireEmail(value: string): string {
  const email = value.trim();
  if (email.length > 254 || !EMAIL.test(email)) throw ApiError.badRequest('email must be an email address');
  if (LONE_SURROGATE.test(email)) throw ApiError.badRequest('email holds half of a surrogate pair, which is no character');
  return email;
}
