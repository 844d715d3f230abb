import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currentStatus, nextAlertStep, retryDelayMs, type DownState } from '../src/stats/alert-transitions.js';

const T = Date.parse('2024-01-15T03:00:00.000Z');

describe('alert transitions (pure)', () => {
  it('node.down at once without a hold-down, and node.up after it with how long it was down', () => {
    const down = nextAlertStep({ state: undefined, current: { status: 'OFFLINE', since: T }, forMs: 0, now: T, muted: false });
    assert.deepEqual(down, { kind: 'down', state: { since: T, status: 'OFFLINE', sent: true } });
    const state: DownState = { since: T, status: 'OFFLINE', sent: true };
    const up = nextAlertStep({ state, current: { status: 'ONLINE', since: T + 5_000 }, forMs: 0, now: T + 5_000, muted: false });
    assert.deepEqual(up, { kind: 'up', since: T + 5_000, downMs: 5_000, down: state });
  });

  it('holds down for forMs; a flap shorter than that is forgotten without an event', () => {
    const held = nextAlertStep({
      state: undefined,
      current: { status: 'OFFLINE', since: T },
      forMs: 60_000,
      now: T,
      muted: false,
    });
    assert.deepEqual(held, { kind: 'hold', state: { since: T, status: 'OFFLINE', sent: false } });
    const pending: DownState = { since: T, status: 'OFFLINE', sent: false };
    const early = { state: pending, current: { status: 'OFFLINE' as const, since: T }, forMs: 60_000, muted: false };
    assert.deepEqual(nextAlertStep({ ...early, now: T + 59_999 }), { kind: 'none' });
    assert.deepEqual(nextAlertStep({ ...early, now: T + 60_000 }), { kind: 'down', state: { ...pending, sent: true } });
    const back = nextAlertStep({
      state: pending,
      current: { status: 'ONLINE', since: T + 30_000 },
      forMs: 60_000,
      now: T + 30_000,
      muted: false,
    });
    assert.deepEqual(back, { kind: 'forget' });
  });

  it('a maintenance window holds node.down back, never node.up', () => {
    const muted = nextAlertStep({
      state: undefined,
      current: { status: 'DISCONNECTED', since: T },
      forMs: 0,
      now: T,
      muted: true,
    });
    assert.equal(muted.kind, 'hold');
    const sent: DownState = { since: T, status: 'OFFLINE', sent: true };
    assert.equal(
      nextAlertStep({ state: sent, current: { status: 'ONLINE', since: T + 1 }, forMs: 0, now: T + 1, muted: true }).kind,
      'up',
    );
    assert.deepEqual(
      nextAlertStep({ state: sent, current: { status: 'OFFLINE', since: T }, forMs: 0, now: T + 9, muted: false }),
      { kind: 'none' },
    );
  });

  it('the status now: the newest report for the stale time, then DISCONNECTED from its end', () => {
    assert.deepEqual(currentStatus({ at: T, status: 'ONLINE' }, T + 180_000, 180_000), { status: 'ONLINE', since: T });
    assert.deepEqual(currentStatus({ at: T, status: 'ONLINE' }, T + 180_001, 180_000), {
      status: 'DISCONNECTED',
      since: T + 180_000,
    });
    assert.deepEqual(currentStatus({ at: T, status: 'OFFLINE' }, T + 999_999, 180_000), { status: 'DISCONNECTED', since: T });
  });

  it('backoff doubles from the base to the cap, jittered ±25 % within both', () => {
    assert.equal(retryDelayMs(1, 10_000, 3_600_000, 0.5), 10_000);
    assert.equal(retryDelayMs(2, 10_000, 3_600_000, 0.5), 20_000);
    assert.equal(retryDelayMs(3, 10_000, 3_600_000, 0), 30_000);
    assert.equal(retryDelayMs(3, 10_000, 3_600_000, 0.999_999), 50_000);
    assert.equal(retryDelayMs(1, 10_000, 3_600_000, 0), 10_000);
    assert.equal(retryDelayMs(20, 10_000, 3_600_000, 0.9), 3_600_000);
  });
});
