/** Milliseconds in one UTC day. */
export const DAY_MS = 86_400_000;

// The shapes; the numbers in them are read by position (they are ASCII digits), without
// capture groups or Number(): every report and every request field passes through here.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The number written by `length` ASCII digits of `text` from `at`. */
function digitsAt(text: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

// Outside the function: an array literal in it was allocated on every call, that is for every report
// (110 of the 160 bytes a parse allocated, and half its time).
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

// Date.UTC maps years 0-99 to 1900-1999: those years are set separately
// (every report parses one of these, so the usual years skip the Date object).
function utcMillis(year: number, month: number, day: number): number {
  if (year >= 100) return Date.UTC(year, month - 1, day);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/** Epoch milliseconds of the `YYYY-MM-DD` at the start of `text`, or `undefined` for an impossible date. */
function dateMillis(text: string): number | undefined {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return utcMillis(year, month, day);
}

/**
 * Parses an RFC 3339 date-time with an explicit offset and at most three
 * fractional digits, the only instant form the API accepts.
 * Returns epoch milliseconds, or `undefined` for any other form or an
 * impossible date.
 *
 * @example
 * parseDateTime('2024-01-15T10:00:00+02:00') // 1705305600000
 * parseDateTime('2025-02-30T00:00:00Z')      // undefined
 */
export function parseDateTime(text: string): number | undefined {
  if (!DATE_TIME.test(text)) return undefined;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const date = dateMillis(text);
  if (date === undefined) return undefined;
  // After the seconds (index 19): ".d", ".dd" or ".ddd", then Z or ±HH:MM.
  const zone = text.length - (text.endsWith('Z') ? 1 : 6);
  const fraction = zone - 20;
  const millis = fraction > 0 ? digitsAt(text, 20, fraction) * 10 ** (3 - fraction) : 0;
  let offsetMinutes = 0;
  if (text[zone] !== 'Z') {
    const offsetHours = digitsAt(text, zone + 1, 2);
    const offsetMins = digitsAt(text, zone + 4, 2);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (text[zone] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return date + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/**
 * Parses the `day` of a stats request: `YYYY-MM-DD` or an RFC 3339
 * date-time. Returns the UTC day number (days since 1970-01-01) of that
 * instant, or `undefined` when the text is not a valid day.
 *
 * @example
 * parseDay('2024-01-15')                   // 19737
 * parseDay('2024-01-15T01:00:00+02:00')    // 19736 (23:00 UTC the day before)
 */
export function parseDay(text: string): number | undefined {
  if (DATE_ONLY.test(text)) {
    const date = dateMillis(text);
    return date === undefined ? undefined : date / DAY_MS;
  }
  const instant = parseDateTime(text);
  return instant === undefined ? undefined : dayOf(instant);
}

/** The UTC day number of an instant. */
export function dayOf(instant: number): number {
  return Math.floor(instant / DAY_MS);
}

/** ISO 8601 UTC with milliseconds, the only form times take in answers. */
export function formatInstant(instant: number): string {
  return new Date(instant).toISOString();
}
