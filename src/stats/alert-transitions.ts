import type { NodeStatus } from './node-status.js';

/** What an alert rule remembers about a (node, bucket) that is not ONLINE. */
export interface DownState {
  /** The instant the status left ONLINE. */
  since: number;
  status: NodeStatus;
  /** Whether its `node.down` went out (a later ONLINE then sends `node.up`). */
  sent: boolean;
}

/** The timeline's status of a (node, bucket) at the current instant, and since when it holds. */
export interface CurrentStatus {
  status: NodeStatus;
  /** ONLINE: when it came back (the report's instant); otherwise when it left ONLINE. */
  since: number;
}

/** What one look at a (node, bucket) for one rule asks the store to do. */
export type AlertStep =
  | { kind: 'none' }
  /** Not ONLINE, but held down (`forSeconds`) or muted: remember since when, send nothing yet. */
  | { kind: 'hold'; state: DownState }
  | { kind: 'down'; state: DownState }
  | { kind: 'up'; since: number; downMs: number; down: DownState }
  /** ONLINE again before a `node.down` went out (a short flap, or a muted outage): forget it quietly. */
  | { kind: 'forget' };

export interface AlertLook {
  state: DownState | undefined;
  current: CurrentStatus;
  /** The rule's hold-down, in milliseconds. */
  forMs: number;
  now: number;
  /** A maintenance window covers the node now: `node.down` waits. */
  muted: boolean;
}

/**
 * The `node.down` / `node.up` state machine of spec/alerts.md for one
 * (node, bucket) and rule: `node.down` once the status has stayed not
 * ONLINE for `forMs` (and no maintenance window covers it), `node.up` only
 * after a `node.down`, a shorter flap sends nothing.
 *
 * @example
 * nextAlertStep({ state: undefined, current: { status: 'OFFLINE', since: t }, forMs: 0, now: t, muted: false })
 * // { kind: 'down', state: { since: t, status: 'OFFLINE', sent: true } }
 */
export function nextAlertStep(look: AlertLook): AlertStep {
  const { state, current, forMs, now, muted } = look;
  if (current.status === 'ONLINE') {
    if (!state) return { kind: 'none' };
    if (!state.sent) return { kind: 'forget' };
    const since = Math.max(current.since, state.since);
    return { kind: 'up', since, downMs: since - state.since, down: state };
  }
  if (state?.sent) return { kind: 'none' };
  const pending: DownState = state ?? { since: current.since, status: current.status, sent: false };
  if (!muted && now >= pending.since + forMs) return { kind: 'down', state: { ...pending, sent: true } };
  return state ? { kind: 'none' } : { kind: 'hold', state: pending };
}

/**
 * The status of a (node, bucket) at `now` from its newest report, as
 * stats-semantics.md's timeline says: the report's status for
 * `staleAfterMs`, then DISCONNECTED.
 *
 * @example
 * currentStatus({ at: t, status: 'ONLINE' }, t + 200_000, 180_000) // { status: 'DISCONNECTED', since: t + 180_000 }
 */
export function currentStatus(newest: { at: number; status: NodeStatus }, now: number, staleAfterMs: number): CurrentStatus {
  // As the stats' node_status: a report's status holds while at most `staleAfterMs` old.
  if (now - newest.at <= staleAfterMs) return { status: newest.status, since: newest.at };
  return { status: 'DISCONNECTED', since: newest.status === 'ONLINE' ? newest.at + staleAfterMs : newest.at };
}

/**
 * Backoff before try `attempt + 1` (after `attempt` failed tries): `baseMs`
 * doubling per try up to `maxMs`, spread by ±25 % (`random` in [0, 1)) so
 * that many deliveries failing together do not come back together, kept
 * within `[baseMs, maxMs]`.
 *
 * @example
 * retryDelayMs(1, 10_000, 3_600_000, 0.5) // 10 000
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential * (0.75 + 0.5 * random);
  return Math.round(Math.min(maxMs, Math.max(baseMs, jittered)));
}
