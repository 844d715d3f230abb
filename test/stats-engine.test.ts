import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendReport, summarizeDay, summarizeReport, withoutNewest, type DaySummary } from '../src/stats/day-summary.js';
import { dayWindow, nodeDayStats, nodeDayStatsFromReports } from '../src/stats/daily-node-stats.js';
import type { Report } from '../src/stats/node-status.js';
import { percentHalfUp, roundHalfUp2 } from '../src/stats/rounding.js';

const at = (time: string): number => Date.parse(`2024-01-15T${time}Z`);
const DAY = Date.parse('2024-01-15T00:00:00Z') / 86_400_000;
const STALE = 180_000;

describe('rounding', () => {
  it('rounds percentages half-up on whole milliseconds', () => {
    assert.equal(percentHalfUp(480_000, 64_800_000), 0.74);
    assert.equal(percentHalfUp(1, 20_000), 0.01); // exactly 0.005 %
    assert.equal(percentHalfUp(1, 20_001), 0);
    assert.equal(percentHalfUp(5, 5), 100);
    assert.equal(percentHalfUp(0, 0), 0);
  });

  it('rounds means half-up despite binary noise', () => {
    assert.equal(roundHalfUp2(1.005), 1.01);
    assert.equal(roundHalfUp2(45), 45);
    assert.equal(roundHalfUp2(2.675), 2.68);
    assert.equal(roundHalfUp2(0.004999), 0);
  });
});

describe('the engine', () => {
  const worked: Report[] = [
    { at: at('06:00:00'), status: 'ONLINE', latencyMs: 40 },
    { at: at('06:01:00'), status: 'ONLINE', latencyMs: 50 },
    { at: at('06:02:00'), status: 'OFFLINE', latencyMs: null },
    { at: at('06:03:00'), status: 'ONLINE', latencyMs: 60 },
    { at: at('12:00:00'), status: 'ONLINE', latencyMs: 30 },
  ];

  it('answers the worked example of stats-semantics.md', () => {
    const stats = nodeDayStatsFromReports(worked, dayWindow(DAY, Date.parse('2024-02-01T00:00:00Z')), STALE);
    assert.deepEqual(stats, {
      percUptime: 0.74,
      avgLatencyMs: 45,
      lastUpdated: at('12:00:00'),
      lastLatencyMs: 30,
      nodeStatus: 'DISCONNECTED',
    });
  });

  it('summarizes the same whatever the order', () => {
    const reversed = summarizeDay([...worked].reverse(), STALE);
    const appended = worked.slice(1).reduce((s, r) => appendReport(s, r, STALE), summarizeReport(worked[0] as Report));
    assert.deepEqual(reversed, appended);
    assert.equal(appended.innerOnlineMs, 120_000 + 180_000);
  });

  it('takes the newest reports back out of a summary exactly', () => {
    for (let keep = 0; keep <= worked.length; keep++) {
      const taken = withoutNewest(summarizeDay(worked, STALE) as DaySummary, worked[keep - 1], worked.slice(keep), STALE);
      assert.deepEqual(taken, summarizeDay(worked.slice(0, keep), STALE), `keeping ${keep}`);
    }
  });

  it('carries a status over midnight until it goes stale', () => {
    const late: Report = { at: Date.parse('2024-01-14T23:59:00Z'), status: 'ONLINE', latencyMs: 5 };
    const stats = nodeDayStats({
      window: dayWindow(DAY, Date.parse('2024-02-01T00:00:00Z')),
      staleAfterMs: STALE,
      firstAt: late.at,
      before: late,
    });
    assert.equal(stats?.percUptime, percentHalfUp(120_000, 86_400_000));
    assert.equal(stats?.avgLatencyMs, null);
    assert.equal(stats?.nodeStatus, 'DISCONNECTED');
  });

  it('counts the current day up to now only, and the status as of now', () => {
    const now = at('06:02:30');
    const stats = nodeDayStatsFromReports(worked, dayWindow(DAY, now), STALE);
    // 06:00 → 06:02 ONLINE, then OFFLINE for 30 s, out of 150 s counted.
    assert.equal(stats?.percUptime, 80);
    assert.equal(stats?.nodeStatus, 'OFFLINE');
    assert.equal(stats?.lastUpdated, at('06:02:00'));
  });

  it('answers 0 % at the first instant of the current day', () => {
    const stats = nodeDayStatsFromReports(worked, dayWindow(DAY + 1, Date.parse('2024-01-16T00:00:00Z')), STALE);
    assert.equal(stats?.percUptime, 0);
  });
});
