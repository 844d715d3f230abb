import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDateTime, parseDay } from '../src/time/instant.js';

describe('parseDateTime', () => {
  it('reads offsets and up to three fractional digits', () => {
    assert.equal(parseDateTime('2024-01-15T10:00:00+02:00'), Date.parse('2024-01-15T08:00:00Z'));
    assert.equal(parseDateTime('2024-01-15T10:00:00.5Z'), Date.parse('2024-01-15T10:00:00.500Z'));
    assert.equal(parseDateTime('2024-01-15T00:30:00-01:30'), Date.parse('2024-01-15T02:00:00Z'));
    assert.equal(parseDateTime('2024-02-29T23:59:59.999Z'), Date.parse('2024-02-29T23:59:59.999Z'));
    assert.equal(parseDateTime('0099-01-01T00:00:00Z'), Date.parse('0099-01-01T00:00:00Z'));
  });

  it('refuses every other form and impossible instants', () => {
    for (const text of [
      '2024-01-15',
      '2024-01-15T10:00:00',
      '2024-01-15T10:00Z',
      '2024-01-15t10:00:00z',
      '2024-01-15T10:00:00.0000Z',
      '2023-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-01-15T23:59:60Z',
      '2024-01-15T10:00:00+2:00',
      '2024-01-15T10:00:00+02:60',
      '+02024-01-15T10:00:00Z',
      '2024-01-15T10:00:00Z ',
    ]) {
      assert.equal(parseDateTime(text), undefined, text);
    }
  });
});

describe('parseDateTime, over random instants', () => {
  it('gives every text of the accepted form (0-3 fractional digits, Z or an offset) the time Date.parse gives it', () => {
    const offset = fc
      .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([sign, hours, minutes]) => `${sign}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 3 }),
        fc.oneof(fc.constant('Z'), offset),
        (date, fractionDigits, zone) => {
          const seconds = date.toISOString().slice(0, 19);
          const fraction = fractionDigits === 0 ? '' : date.toISOString().slice(19, 20 + fractionDigits);
          const text = `${seconds}${fraction}${zone}`;
          assert.equal(parseDateTime(text), Date.parse(text), text);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('parseDay', () => {
  it('takes the UTC date of the instant', () => {
    assert.equal(parseDay('2024-01-15'), Date.parse('2024-01-15T00:00:00Z') / 86_400_000);
    assert.equal(parseDay('2024-01-15T01:00:00+02:00'), parseDay('2024-01-14'));
    assert.equal(parseDay('2024-01-14T23:00:00-02:00'), parseDay('2024-01-15'));
    assert.equal(parseDay('2025-02-30'), undefined);
    assert.equal(parseDay('2024-02-30T00:00:00Z'), undefined);
  });

  it('gives every valid date of years 0000 to 9999 the day Date.parse gives it', () => {
    const pad = (n: number, width: number): string => String(n).padStart(width, '0');
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        (date) => {
          const text = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
          assert.equal(parseDay(text), Math.floor(Date.parse(`${text}T00:00:00Z`) / 86_400_000), text);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
