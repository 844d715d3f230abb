import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  isUnderMaintenance,
  maintenanceOf,
  type MaintenanceDefinition,
  type MaintenanceVersion,
} from '../src/stats/maintenance.js';

const MINUTE_MS = 60_000;
const BASE = Date.parse('2024-03-01T00:00:00Z');
const at = (minute: number): number => BASE + minute * MINUTE_MS;
const NODES = ['node-a', 'node-b'];
const HORIZON_MINUTES = 3 * 24 * 60;

/** Rules whose occurrences the model lists by hand, minute by minute. */
const RULES: Record<string, (startMinute: number, minute: number) => boolean> = {
  'FREQ=DAILY': (s, m) => m >= s && (m - s) % 1440 === 0,
  'FREQ=HOURLY;INTERVAL=5': (s, m) => m >= s && (m - s) % 300 === 0,
  // BYHOUR/BYMINUTE override the start's time of day; seconds stay the start's (0 here).
  'FREQ=DAILY;BYHOUR=22,3;BYMINUTE=30': (s, m) => m >= s && (m % 1440 === 3 * 60 + 30 || m % 1440 === 22 * 60 + 30),
};

/** Whether the definition covers minute `m`, from its own terms alone. */
function modelCovers(d: MaintenanceDefinition, startMinute: number, m: number): boolean {
  if (d.end !== null) return at(m) >= d.start && at(m) < d.end;
  const occurs = RULES[d.rrule!]!;
  for (let s = m - d.durationMinutes! + 1; s <= m; s++) {
    if (occurs(startMinute, s) && (d.until === null || at(s) <= d.until)) return true;
  }
  return false;
}

const definition = fc.record({
  startMinute: fc.integer({ min: 0, max: HORIZON_MINUTES }),
  lengthMinutes: fc.integer({ min: 1, max: 600 }),
  rrule: fc.option(fc.constantFrom(...Object.keys(RULES))),
  untilMinutes: fc.option(fc.integer({ min: 0, max: 2000 })),
  nodes: fc.option(fc.subarray(NODES, { minLength: 1 })),
});

const version = fc.record({
  definition,
  inForceFrom: fc.integer({ min: -100, max: HORIZON_MINUTES }),
  inForceLength: fc.option(fc.integer({ min: 0, max: HORIZON_MINUTES })),
});

describe('maintenanceOf', () => {
  it('agrees with a minute-by-minute model of versions, nodes and recurrences', () => {
    fc.assert(
      fc.property(fc.array(version, { maxLength: 5 }), fc.constantFrom(...NODES), (drawn, node) => {
        const starts: number[] = [];
        const versions: MaintenanceVersion[] = drawn.map((v, index) => {
          const d = v.definition;
          starts.push(d.startMinute);
          const recurring = d.rrule !== null;
          return {
            windowId: `w${index}`,
            definition: {
              nodeIds: d.nodes,
              start: at(d.startMinute),
              end: recurring ? null : at(d.startMinute + d.lengthMinutes),
              rrule: d.rrule,
              durationMinutes: recurring ? Math.min(d.lengthMinutes, 1440) : null,
              until: recurring && d.untilMinutes !== null ? at(d.startMinute + d.untilMinutes) : null,
            },
            inForceFrom: at(v.inForceFrom),
            inForceUntil: v.inForceLength === null ? null : at(v.inForceFrom + v.inForceLength),
          };
        });
        {
          const from = 60;
          const to = HORIZON_MINUTES + 120;
          const answer = maintenanceOf(versions, node, at(from), at(to));
          for (let i = 1; i < answer.length; i++) assert.ok(answer[i]!.from > answer[i - 1]!.to, 'normalized');
          for (let m = from; m < to; m++) {
            const expected = versions.some(
              (v, index) =>
                v.inForceFrom <= at(m) &&
                (v.inForceUntil === null || at(m) < v.inForceUntil) &&
                (v.definition.nodeIds === null || v.definition.nodeIds.includes(node)) &&
                modelCovers(v.definition, starts[index]!, m),
            );
            const actual = answer.some((i) => i.from <= at(m) && at(m) < i.to);
            assert.equal(actual, expected, `minute ${m}`);
            if (m % 97 === 0) assert.equal(isUnderMaintenance(versions, node, at(m)), expected, `at minute ${m}`);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
