/** Milliseconds in one UTC day. */
export const DAY_MS = 86_400_000;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|([+-])(\d{2}):(\d{2}))$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

// Date.UTC maps years 0-99 to 1900-1999: those years are set separately
// (every report parses one of these, so the usual years skip the Date object).
function utcMillis(year: number, month: number, day: number): number {
  if (year >= 100) return Date.UTC(year, month - 1, day);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
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
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return utcMillis(year, month, day) + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
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
  const m = DATE_ONLY.exec(text);
  if (m) {
    const [year, month, day] = m.slice(1, 4).map(Number) as [number, number, number];
    return validDate(year, month, day) ? utcMillis(year, month, day) / DAY_MS : undefined;
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
