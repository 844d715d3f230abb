/**
 * The text of an RFC 5545 `RRULE` as a maintenance window takes it, checked
 * before `rrule` sees it: rrule.js reads unknown values as `undefined` and,
 * for a rule that matches nothing, iterates up to the year 9999 on every
 * query, so whatever it cannot be trusted with is refused here, cheaply.
 */

/** A rule that cannot be used (the route answers it as a 400 with this message). */
export class RecurrenceRuleError extends Error {
  override name = 'RecurrenceRuleError';
}

export type Frequency = 'YEARLY' | 'MONTHLY' | 'WEEKLY' | 'DAILY' | 'HOURLY' | 'MINUTELY' | 'SECONDLY';

/** What a rule says, with every BY* list sorted (rrule.js yields them in the order written). */
export interface RuleParts {
  freq: Frequency;
  interval: number;
  count: number | null;
  /** The rule's parts, normalized, as `rrule`'s `parseString` reads them (sorted lists). */
  normalized: string;
  /** Names of the BY* parts present. */
  byParts: string[];
  bySecondCount: number;
}

const FREQUENCIES: readonly Frequency[] = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY', 'SECONDLY'];
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** The most occurrences `COUNT` may ask for: every query of a counted rule iterates from its start. */
export const MAX_COUNT = 10_000;
const MAX_INTERVAL = 10_000;

/** Allowed range of each numeric BY* part; `signed` parts may count from the end (-1 = last). */
const NUMERIC_PARTS: Record<string, { min: number; max: number; signed: boolean }> = {
  BYSECOND: { min: 0, max: 59, signed: false },
  BYMINUTE: { min: 0, max: 59, signed: false },
  BYHOUR: { min: 0, max: 23, signed: false },
  BYMONTHDAY: { min: 1, max: 31, signed: true },
  BYYEARDAY: { min: 1, max: 366, signed: true },
  BYWEEKNO: { min: 1, max: 53, signed: true },
  BYMONTH: { min: 1, max: 12, signed: false },
  BYSETPOS: { min: 1, max: 366, signed: true },
};

const INTEGER = /^[+-]?\d{1,4}$/;
const WEEKDAY = /^([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;

function integerPart(name: string, value: string, min: number, max: number): number {
  const n = INTEGER.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RecurrenceRuleError(`rrule ${name} must be ${min}-${max}; got ${value}`);
  return n;
}

function numericList(name: string, value: string): number[] {
  const { min, max, signed } = NUMERIC_PARTS[name]!;
  const values = value.split(',').map((item) => {
    const n = INTEGER.test(item) ? Number(item) : NaN;
    const magnitude = Math.abs(n);
    if (!Number.isInteger(n) || (!signed && n < 0) || magnitude < min || magnitude > max || (signed && n === 0)) {
      throw new RecurrenceRuleError(`rrule ${name} values must be ${signed ? `±${min}-${max}` : `${min}-${max}`}; got ${item}`);
    }
    return n;
  });
  return [...new Set(values)].sort((a, b) => a - b);
}

function weekdayList(value: string): string[] {
  const days = value.split(',').map((item) => {
    const m = WEEKDAY.exec(item);
    const ordinal = m?.[2] === undefined ? 0 : Number(m[2]);
    if (!m || (m[2] !== undefined && (ordinal < 1 || ordinal > 53))) {
      throw new RecurrenceRuleError(`rrule BYDAY values are MO..SU, optionally with an ordinal such as 1MO or -1FR; got ${item}`);
    }
    return {
      text: `${m[1] === '-' ? '-' : ''}${m[2] === undefined ? '' : ordinal}${m[3]}`,
      key: WEEKDAYS.indexOf(m[3]!) * 200 + (m[1] === '-' ? -ordinal : ordinal),
    };
  });
  return [...new Map(days.map((d) => [d.text, d])).values()].sort((a, b) => a.key - b.key).map((d) => d.text);
}

/**
 * Parses and normalizes `RRULE` text (`FREQ=WEEKLY;BYDAY=SU;BYHOUR=2`, an
 * optional `RRULE:` prefix). Refused: anything outside RFC 5545's RRULE
 * parts, `UNTIL` and `DTSTART` (the window's `until` and `start` say them),
 * values out of range, repeated parts, and rules denser than one occurrence
 * a minute by their form (more than one `BYSECOND`, `SECONDLY` below 60 s).
 * `SECONDLY` and `MINUTELY` are taken only as plain periods (no BY* part):
 * rrule.js walks them second by second, minute by minute.
 *
 * @example
 * parseRuleParts('FREQ=WEEKLY;BYDAY=SU,SA').normalized // 'FREQ=WEEKLY;INTERVAL=1;BYDAY=SA,SU'
 */
export function parseRuleParts(text: string): RuleParts {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (body === '') throw new RecurrenceRuleError('rrule is empty');
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim().toUpperCase();
    const value = part
      .slice(eq + 1)
      .trim()
      .toUpperCase();
    if (eq < 1 || value === '')
      throw new RecurrenceRuleError(`rrule parts are NAME=VALUE separated by ";"; got ${JSON.stringify(part.slice(0, 40))}`);
    if (parts.has(name)) throw new RecurrenceRuleError(`rrule names ${name} twice`);
    parts.set(name, value);
  }
  const freq = parts.get('FREQ') as Frequency | undefined;
  if (freq === undefined || !FREQUENCIES.includes(freq))
    throw new RecurrenceRuleError(`rrule needs FREQ, one of ${FREQUENCIES.join(', ')}`);
  const interval = parts.has('INTERVAL') ? integerPart('INTERVAL', parts.get('INTERVAL')!, 1, MAX_INTERVAL) : 1;
  const count = parts.has('COUNT') ? integerPart('COUNT', parts.get('COUNT')!, 1, MAX_COUNT) : null;
  const normalized = [`FREQ=${freq}`, `INTERVAL=${interval}`];
  if (count !== null) normalized.push(`COUNT=${count}`);
  const byParts: string[] = [];
  let bySecondCount = 0;
  for (const [name, value] of parts) {
    if (name === 'FREQ' || name === 'INTERVAL' || name === 'COUNT') continue;
    if (name === 'WKST') {
      if (!WEEKDAYS.includes(value)) throw new RecurrenceRuleError(`rrule WKST must be one of ${WEEKDAYS.join(', ')}`);
      normalized.push(`WKST=${value}`);
    } else if (name === 'BYDAY') {
      normalized.push(`BYDAY=${weekdayList(value).join(',')}`);
      byParts.push(name);
    } else if (name in NUMERIC_PARTS) {
      const list = numericList(name, value);
      if (name === 'BYSECOND') bySecondCount = list.length;
      normalized.push(`${name}=${list.join(',')}`);
      byParts.push(name);
    } else if (name === 'UNTIL' || name === 'DTSTART') {
      throw new RecurrenceRuleError(
        `rrule may not hold ${name}: give the window's ${name === 'UNTIL' ? 'until' : 'start'} instead`,
      );
    } else {
      throw new RecurrenceRuleError(`rrule part ${name} is not supported`);
    }
  }
  if ((freq === 'SECONDLY' || freq === 'MINUTELY') && byParts.length > 0) {
    throw new RecurrenceRuleError(
      `rrule FREQ=${freq} is taken only as a plain period (INTERVAL, COUNT): use FREQ=HOURLY or coarser with BY* parts`,
    );
  }
  if (freq === 'SECONDLY' && interval < 60)
    throw new RecurrenceRuleError('rrule yields more than one occurrence a minute (FREQ=SECONDLY needs INTERVAL of at least 60)');
  // Every occurrence's minute then holds each listed second: two occurrences less than a minute apart.
  if (bySecondCount > 1 && !parts.has('BYSETPOS'))
    throw new RecurrenceRuleError('rrule yields more than one occurrence a minute (several BYSECOND values)');
  return { freq, interval, count, normalized: normalized.join(';'), byParts, bySecondCount };
}
