import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { summarizeDay } from '../src/stats/day-summary.js';
import { dayWindow, nodeDayStats, type NodeDayInput } from '../src/stats/daily-node-stats.js';
import type { NodeStatus, Report } from '../src/stats/node-status.js';
import { nodeStatsStableUntil } from '../src/stats/stable-until.js';
import { DAY_MS } from '../src/time/instant.js';

const DAY = Date.parse('2024-01-15T00:00:00Z') / DAY_MS;
const START = DAY * DAY_MS;
const STALE = 180_000;

// Reports a few seconds to a few minutes apart around the start of the day,
// and an instant to ask at among them, so that statuses go stale, carry
// over midnight and start mid-day.
const timeline = fc.record({
  startOffset: fc.integer({ min: -400_000, max: 3_600_000 }),
  gaps: fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 1, maxLength: 30 }),
  statuses: fc.array(fc.constantFrom<NodeStatus>('ONLINE', 'ONLINE', 'OFFLINE', 'DISCONNECTED'), {
    minLength: 30,
    maxLength: 30,
  }),
  nowAfterLast: fc.integer({ min: 0, max: 600_000 }),
  lookAheadMs: fc.integer({ min: 1, max: 2_000_000 }),
  probes: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
});

function inputAt(reports: Report[], end: number): NodeDayInput {
  const window = { start: START, end };
  const before = reports.filter((r) => r.at < START).at(-1);
  const inWindow = summarizeDay(
    reports.filter((r) => r.at >= START && r.at < end),
    STALE,
  );
  return { window, staleAfterMs: STALE, firstAt: reports[0]?.at ?? Infinity, inWindow, before };
}

describe('how long a current-day answer holds (nodeStatsStableUntil)', () => {
  it('gives the same numbers at every instant before the bound, and changed ones at it unless a status goes stale there', () => {
    fc.assert(
      fc.property(timeline, ({ startOffset, gaps, statuses, nowAfterLast, lookAheadMs, probes }) => {
        const reports: Report[] = [];
        let at = START + startOffset;
        gaps.forEach((gap, i) => {
          const status = statuses[i] as NodeStatus;
          reports.push({ at, status, latencyMs: status === 'ONLINE' ? 10 : null });
          at += gap;
        });
        const now = Math.max(START, (reports.at(-1) as Report).at + 1 + nowAfterLast);
        const limit = Math.min(START + DAY_MS, now + lookAheadMs);
        const input = inputAt(reports, dayWindow(DAY, now).end);
        const until = nodeStatsStableUntil(input, limit);
        assert.ok(until > now && until <= limit, `bound ${until} outside (${now}, ${limit}]`);

        const base = nodeDayStats(input);
        const numbersAt = (t: number) => nodeDayStats(inputAt(reports, t));
        for (const t of [now, until - 1, ...probes.map((p) => Math.min(until - 1, now + Math.floor(p * (until - now))))]) {
          assert.deepEqual(numbersAt(t), base, `numbers at ${t - now} ms after now, bound ${until - now} ms`);
        }
        // Where the bound may be cautious: a status going stale, and the first instant counted.
        const breaks = new Set([...reports.map((r) => r.at + STALE), Math.max(START, input.firstAt)]);
        if (until < limit && !breaks.has(until - 1)) {
          assert.notDeepEqual(numbersAt(until), base, 'the bound is where the numbers change');
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('holds a node that is always up until its status goes stale', () => {
    const reports: Report[] = [];
    for (let at = START + 3_600_000; at <= START + 7_200_000; at += 60_000) reports.push({ at, status: 'ONLINE', latencyMs: 12 });
    const last = (reports.at(-1) as Report).at;
    // Online all the time counted: 100 % and ONLINE until the last report goes stale, DISCONNECTED after.
    const now = last + 1_000;
    assert.equal(nodeStatsStableUntil(inputAt(reports, now), now + 3_600_000), last + STALE + 1);
  });

  it('holds a falling uptime for as long as its rounding stays', () => {
    const reports: Report[] = [
      { at: START, status: 'ONLINE', latencyMs: 12 },
      { at: START + 60_000, status: 'OFFLINE', latencyMs: null },
    ];
    // 60 s online out of 12 h counted: 0.14 %, falling by 0.01 % about every 48 minutes.
    const now = START + 12 * 3_600_000;
    const until = nodeStatsStableUntil(inputAt(reports, now), now + 3_600_000);
    assert.ok(until - now > 60_000, `held ${until - now} ms`);
    assert.equal(nodeDayStats(inputAt(reports, until - 1))?.percUptime, nodeDayStats(inputAt(reports, now))?.percUptime);
  });
});
