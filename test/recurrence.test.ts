import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import rrulePackage from 'rrule';
import { RecurrenceRuleError, checkRecurrence, recurrenceIntervals, type RecurrenceDefinition } from '../src/stats/recurrence.js';

const { RRule } = rrulePackage;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const T = (iso: string): number => Date.parse(iso);
const isoList = (intervals: Array<{ from: number; to: number }>) =>
  intervals.map((i) => `${new Date(i.from).toISOString()}/${new Date(i.to).toISOString()}`);

/**
 * The reference: rrule's own `between` over everything from the start, on
 * the rule as written (lists unsorted) but without COUNT, a period past the
 * range, sorted afterwards;
 * COUNT then takes the first occurrences in time (RFC 5545), which rrule.js
 * alone gets wrong for unsorted lists.
 */
function bruteForce(definition: RecurrenceDefinition, from: number, to: number): Array<{ from: number; to: number }> {
  const { count, ...options } = RRule.parseString(definition.rrule);
  // UNTIL applied here, not by rrule.js: it stops at the first occurrence of a period past UNTIL, before
  // earlier ones of that period (BYMINUTE=45,15 with UNTIL at :15 of the first hour gave nothing).
  const rule = new RRule({ ...options, dtstart: new Date(definition.start), until: null });
  const { until } = definition;
  const durationMs = definition.durationMinutes * MINUTE_MS;
  // Unsorted lists make rrule.js stop at the first occurrence of a period past `to`, before earlier ones of that period.
  const periodDays: Record<number, number> = { [RRule.YEARLY]: 366, [RRule.MONTHLY]: 31, [RRule.WEEKLY]: 7 };
  const margin = (periodDays[options.freq!] ?? 1) * (options.interval ?? 1) * DAY_MS;
  return rule
    .between(new Date(definition.start), new Date(to + margin), true)
    .map((d) => d.getTime())
    .sort((a, b) => a - b)
    .filter((s) => until === null || s <= until)
    .slice(0, count ?? Infinity)
    .filter((s) => s + durationMs > from && s < to)
    .map((s) => ({ from: s, to: s + durationMs }));
}

const refused = (definition: Partial<RecurrenceDefinition> & { rrule: string }): string => {
  try {
    checkRecurrence({ start: T('2030-01-01T00:00:00Z'), durationMinutes: 5, until: null, ...definition });
  } catch (error) {
    if (error instanceof RecurrenceRuleError) return error.message;
    throw error;
  }
  return 'accepted';
};

describe('recurrence', () => {
  it('yields a daily window by arithmetic, the start’s milliseconds kept', () => {
    const definition = { start: T('2024-01-01T02:00:00.250Z'), rrule: 'FREQ=DAILY', durationMinutes: 30, until: null };
    assert.deepEqual(isoList(recurrenceIntervals(definition, T('2024-01-03T00:00:00Z'), T('2024-01-04T02:10:00Z'))), [
      '2024-01-03T02:00:00.250Z/2024-01-03T02:30:00.250Z',
      '2024-01-04T02:00:00.250Z/2024-01-04T02:30:00.250Z',
    ]);
    // An occurrence that began before the range and still runs in it is part of the answer.
    assert.equal(recurrenceIntervals(definition, T('2024-01-03T02:29:00Z'), T('2024-01-03T02:31:00Z')).length, 1);
    assert.deepEqual(recurrenceIntervals(definition, T('2023-12-01T00:00:00Z'), T('2024-01-01T02:00:00Z')), []);
  });

  it('orders occurrences within a period whatever the order of the BY* lists', () => {
    const definition = {
      start: T('2024-01-01T00:00:00Z'),
      rrule: 'FREQ=WEEKLY;BYDAY=FR,MO;BYHOUR=9,1',
      durationMinutes: 30,
      until: null,
    };
    assert.deepEqual(isoList(recurrenceIntervals(definition, T('2024-01-04T00:00:00Z'), T('2024-01-09T00:00:00Z'))), [
      '2024-01-05T01:00:00.000Z/2024-01-05T01:30:00.000Z',
      '2024-01-05T09:00:00.000Z/2024-01-05T09:30:00.000Z',
      '2024-01-08T01:00:00.000Z/2024-01-08T01:30:00.000Z',
      '2024-01-08T09:00:00.000Z/2024-01-08T09:30:00.000Z',
    ]);
  });

  it('bounds occurrences by until (inclusive) and COUNT', () => {
    const until = {
      start: T('2024-01-01T02:00:00Z'),
      rrule: 'FREQ=DAILY',
      durationMinutes: 10,
      until: T('2024-01-03T02:00:00Z'),
    };
    assert.equal(recurrenceIntervals(until, T('2024-01-01T00:00:00Z'), T('2024-02-01T00:00:00Z')).length, 3);
    const count = {
      start: T('2024-01-01T02:00:00Z'),
      rrule: 'FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=2',
      durationMinutes: 10,
      until: null,
    };
    assert.deepEqual(isoList(recurrenceIntervals(count, T('2024-01-01T00:00:00Z'), T('2025-01-01T00:00:00Z'))), [
      '2024-01-31T02:00:00.000Z/2024-01-31T02:10:00.000Z',
      '2024-02-29T02:00:00.000Z/2024-02-29T02:10:00.000Z',
    ]);
  });

  it('refuses rules that cannot be parsed, are denser than a minute, or match nothing', () => {
    assert.match(refused({ rrule: 'every sunday' }), /NAME=VALUE/);
    assert.match(refused({ rrule: 'FREQ=DAILY;FREQ=DAILY' }), /twice/);
    assert.match(refused({ rrule: 'FREQ=DAILY;BYHOUR=24' }), /BYHOUR/);
    assert.match(refused({ rrule: 'FREQ=DAILY;INTERVAL=0' }), /INTERVAL/);
    assert.match(refused({ rrule: 'FREQ=DAILY;BYEASTER=0' }), /not supported/);
    assert.match(refused({ rrule: 'FREQ=DAILY;DTSTART=20240101T000000Z' }), /start/);
    assert.match(refused({ rrule: 'FREQ=SECONDLY;INTERVAL=59' }), /more than one occurrence a minute/);
    assert.match(refused({ rrule: 'FREQ=HOURLY;BYMINUTE=0;BYSECOND=0,59' }), /more than one occurrence a minute/);
    assert.match(refused({ rrule: 'FREQ=MINUTELY;BYHOUR=3' }), /plain period/);
    assert.match(refused({ rrule: 'FREQ=HOURLY;BYMINUTE=0,5,10,15' }), /occurrences a year/);
    assert.match(refused({ rrule: 'FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31' }), /matches nothing/);
    assert.equal(refused({ rrule: 'FREQ=SECONDLY;INTERVAL=60' }), 'accepted');
    assert.equal(refused({ rrule: 'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29' }), 'accepted');
    assert.equal(refused({ rrule: 'freq=monthly;byday=1su;byhour=3' }), 'accepted');
  });

  it('answers a year of day-by-day queries of a calendar rule cheaply', () => {
    const definition = {
      start: T('2024-01-01T00:00:00Z'),
      rrule: 'FREQ=WEEKLY;BYDAY=SU,WE;BYHOUR=2',
      durationMinutes: 60,
      until: null,
    };
    const from = T('2025-01-01T00:00:00Z');
    recurrenceIntervals(definition, from, from + DAY_MS);
    const started = performance.now();
    let occurrences = 0;
    for (let day = 0; day < 366; day++)
      occurrences += recurrenceIntervals(definition, from + day * DAY_MS, from + (day + 1) * DAY_MS).length;
    const elapsed = performance.now() - started;
    // 2025 has 52 Sundays and 53 Wednesdays.
    assert.equal(occurrences, 105);
    assert.ok(elapsed < 200, `366 queries took ${elapsed.toFixed(1)} ms`);
  });

  it('agrees with rrule’s own between, sorted, for random rules and ranges', () => {
    const shuffled = <T>(values: T[]) => fc.shuffledSubarray(values, { minLength: 1 });
    const rule = fc
      .record({
        freq: fc.constantFrom('YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY'),
        interval: fc.integer({ min: 1, max: 3 }),
        byday: fc.option(shuffled(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU', '1SU', '-1FR'])),
        byhour: fc.option(shuffled([0, 3, 7, 12, 23])),
        byminute: fc.option(fc.constantFrom([0], [30], [45, 15])),
        bymonthday: fc.option(shuffled([1, 15, 28, -1])),
        count: fc.option(fc.integer({ min: 1, max: 40 })),
      })
      .map((r) => {
        const parts = [`FREQ=${r.freq}`, `INTERVAL=${r.interval}`];
        if (r.freq !== 'MINUTELY') {
          if (r.byday) parts.push(`BYDAY=${r.byday.join(',')}`);
          if (r.byhour) parts.push(`BYHOUR=${r.byhour.join(',')}`);
          if (r.byminute) parts.push(`BYMINUTE=${r.byminute.join(',')}`);
          if (r.bymonthday && r.freq !== 'WEEKLY') parts.push(`BYMONTHDAY=${r.bymonthday.join(',')}`);
        }
        if (r.count !== null) parts.push(`COUNT=${r.count}`);
        return parts.join(';');
      });
    const base = T('2024-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        rule,
        fc.integer({ min: 0, max: 400 * 24 * 60 }),
        fc.integer({ min: 1, max: 1440 }),
        fc.option(fc.integer({ min: 0, max: 300 * 24 * 60 })),
        fc.integer({ min: 0, max: 500 * 24 * 60 }),
        fc.integer({ min: 1, max: 40 * 24 * 60 }),
        (rrule, startMinute, durationMinutes, untilMinute, fromMinute, lengthMinutes) => {
          // A MINUTELY rule is checked over hours, from a start close by: rrule's own walk is the slow part here.
          const minutely = rrule.startsWith('FREQ=MINUTELY');
          const from = base + fromMinute * MINUTE_MS;
          const to = from + (minutely ? Math.min(lengthMinutes, 600) : lengthMinutes) * MINUTE_MS;
          const start = minutely ? from - (startMinute % 3000) * MINUTE_MS : base + startMinute * MINUTE_MS;
          const until = untilMinute === null ? null : start + untilMinute * MINUTE_MS;
          const definition = { start, rrule, durationMinutes, until };
          try {
            checkRecurrence(definition);
          } catch (error) {
            if (error instanceof RecurrenceRuleError) return;
            throw error;
          }
          assert.deepEqual(isoList(recurrenceIntervals(definition, from, to)), isoList(bruteForce(definition, from, to)), rrule);
        },
      ),
      { numRuns: 100 },
    );
  });
});
