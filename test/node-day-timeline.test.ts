import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { SeriesAhead, SeriesDay } from '../src/stats/bucket-day-stats.js';
import { summarizeDays, withoutNewest, type DaySummary } from '../src/stats/day-summary.js';
import { listedNodeDays, lookbackDays, rollupsOfDay } from '../src/stats/listed-node-days.js';
import { nodeDayDetail, nodeDayTimeline } from '../src/stats/node-day-timeline.js';
import type { NodeStatus, Report } from '../src/stats/node-status.js';
import { DAY_MS, dayOf } from '../src/time/instant.js';
import { modelTimeline } from './helpers/timeline-model.js';

const SECOND = 1000;
const FIRST_DAY = Date.parse('2024-01-15T00:00:00Z') / DAY_MS;

/** A store's answers for one series, kept in memory: its rollups, and its raw reports for clocks ahead. */
function seriesSource(sorted: readonly Report[], staleAfterMs: number) {
  const rows: SeriesDay[] = [...summarizeDays(sorted, staleAfterMs)].map(([day, summary]) => ({
    seriesId: 1,
    nodeId: 'n',
    firstAt: (sorted[0] as Report).at,
    day,
    summary,
  }));
  const rowsOf = (fromDay: number, toDay: number) => rows.filter((r) => r.day >= fromDay && r.day <= toDay);
  return {
    rowsOf,
    seriesAhead: async (_id: number, fromDay: number, day: number, from: number): Promise<SeriesAhead> => {
      const ofDay = sorted.filter((r) => dayOf(r.at) === day);
      return {
        rows: rowsOf(fromDay, day),
        lastKept: ofDay.filter((r) => r.at < from).at(-1),
        ahead: ofDay.filter((r) => r.at >= from),
      };
    },
  };
}

// Bursts of reports a few seconds to a few hours apart over four days, some statuses repeated
// so that spans touch; stale times from a minute to two days (carried over several midnights).
const history = fc.record({
  bursts: fc.array(
    fc.record({
      at: fc.integer({ min: -DAY_MS / SECOND, max: (4 * DAY_MS) / SECOND }),
      steps: fc.array(
        fc.record({
          gap: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 20_000 })),
          status: fc.constantFrom<NodeStatus>('ONLINE', 'ONLINE', 'OFFLINE', 'DISCONNECTED'),
          latency: fc.option(fc.integer({ min: 0, max: 500 })),
        }),
        { minLength: 1, maxLength: 12 },
      ),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  staleSeconds: fc.constantFrom(60, 180, 3600, 2 * 86_400),
  retentionDays: fc.constantFrom(0, 1, 2, 7),
  nowSecond: fc.integer({ min: 0, max: (5 * DAY_MS) / SECOND }),
});

function reportsOf(
  bursts: Array<{ at: number; steps: Array<{ gap: number; status: NodeStatus; latency: number | null }> }>,
): Report[] {
  const byAt = new Map<number, Report>();
  for (const burst of bursts) {
    let at = FIRST_DAY * DAY_MS + burst.at * SECOND;
    for (const step of burst.steps) {
      byAt.set(at, { at, status: step.status, latencyMs: step.latency });
      at += step.gap * SECOND;
    }
  }
  return [...byAt.values()].sort((a, b) => a.at - b.at);
}

describe('the timeline of a listed day (nodeDayTimeline)', () => {
  it('equals a second-by-second model of the spec, on every day, closed or current, with clocks ahead', async () => {
    await fc.assert(
      fc.asyncProperty(history, async ({ bursts, staleSeconds, retentionDays, nowSecond }) => {
        const sorted = reportsOf(bursts);
        const settings = { staleAfterMs: staleSeconds * SECOND, nodeRetentionDays: retentionDays };
        const source = seriesSource(sorted, settings.staleAfterMs);
        const now = FIRST_DAY * DAY_MS + nowSecond * SECOND;
        for (let day = FIRST_DAY - 1; day <= dayOf(now); day++) {
          const series = rollupsOfDay(source.rowsOf(day - lookbackDays(settings), day), day).values();
          const { nodes } = await listedNodeDays(source, series, day, now, settings);
          const expected = modelTimeline(
            sorted.filter((r) => r.at < now || dayOf(r.at) !== dayOf(now)),
            day,
            now,
            settings,
          );
          assert.deepEqual(nodes.length, expected ? 1 : 0, `listed on day ${day - FIRST_DAY}`);
          if (!expected) continue;
          const detail = nodeDayDetail((nodes[0] as (typeof nodes)[0]).input);
          assert.deepEqual(detail.timeline, expected, `day ${day - FIRST_DAY}`);
          const window = { start: day * DAY_MS, end: Math.min((day + 1) * DAY_MS, now) };
          const latencies = sorted
            .filter((r) => r.at >= window.start && r.at < window.end && r.status === 'ONLINE' && r.latencyMs !== null)
            .map((r) => r.latencyMs as number);
          assert.equal(detail.latencyCount, latencies.length);
          assert.equal(detail.latencies?.count, latencies.length);
          assert.equal(
            detail.latencySum,
            latencies.reduce((a, b) => a + b, 0),
          );
        }
      }),
      { numRuns: 150 },
    );
  });

  it('has no detail for a day whose rollup has none, and takes clock-ahead reports back out of the spans', () => {
    const reports: Report[] = [
      { at: 0, status: 'OFFLINE', latencyMs: null },
      { at: 60_000, status: 'OFFLINE', latencyMs: null },
      { at: 120_000, status: 'ONLINE', latencyMs: 7 },
    ];
    const summary = summarizeDays(reports, 180_000).get(0) as DaySummary;
    assert.deepEqual(summary.downSpans, [{ from: 0, to: 120_000, status: 'OFFLINE' }]);
    const kept = withoutNewest(summary, reports[1], reports.slice(2), 180_000) as DaySummary;
    assert.deepEqual(kept.downSpans, [{ from: 0, to: 60_000, status: 'OFFLINE' }]);
    const window = { start: 0, end: 90_000 };
    const legacy = { ...summary, downSpans: null, latencies: null };
    assert.equal(nodeDayTimeline({ window, staleAfterMs: 180_000, firstAt: 0, inWindow: legacy }), null);
  });
});
