import { randomUUID } from 'node:crypto';
import type { Clock } from '../time/clock.js';
import type { AlertSettings } from '../config/config.js';
import { bucketDayStats, type NodeDayEntry, type StatsSettings } from '../stats/bucket-day-stats.js';
import { currentStatus } from '../stats/alert-transitions.js';
import type { NodeStatus } from '../stats/node-status.js';
import type { AlertRuleRecord } from '../store/alert-rule-store.js';
import type { Store } from '../store/store.js';
import { dayOf } from '../time/instant.js';
import type { AlertEvaluator } from './alert-evaluator.js';
import type { AlertEventBuilder } from './alert-event-builder.js';
import { NODE_EVENTS, type AlertScope } from './alert-scope.js';
import type { AlertLog } from './delivery-worker.js';
import type { MaintenanceCover } from './maintenance-cover.js';

const SWEPT_AT = 'alerts_swept_at';
// The sweep's progress is stored this often; a restart looks back this far past it, and no further.
const SAVE_EVERY_MS = 10_000;
const LOOK_BACK_MS = 60_000;
// uptime.below asks the stats engine for whole days: every fifth sweep (10 s by default).
const UPTIME_EVERY_SWEEPS = 5;

/**
 * Every `sweepIntervalMs`, on the one instance that holds the sweep's lease:
 * looks at every (node, bucket) in a rule's scope as the stats engine sees
 * it now (a silent node is DISCONNECTED `STALE_AFTER_SECONDS` after its
 * last report, noticed within one interval), lets hold-downs run out, and
 * raises `uptime.below`. Changes that began before the sweep last ran (less
 * a minute), or before the rule was made, are about the past: a node found
 * already down then raises nothing.
 *
 * @example
 * const sweep = new AlertSweep(...); sweep.start();
 */
export class AlertSweep {
  private readonly owner = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private sweptAt: number | undefined;
  private savedAt = 0;
  private uptimeAt = 0;
  private running: Promise<void> | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** uptime.below keys (rule, bucket, node, day) known to be sent: not asked of the store again. */
  private readonly uptimeSent = new Set<string>();
  private uptimeDay = 0;

  constructor(
    private readonly store: Store,
    private readonly scope: AlertScope,
    private readonly evaluator: AlertEvaluator,
    private readonly builder: AlertEventBuilder,
    private readonly maintenance: MaintenanceCover,
    private readonly clock: Clock,
    private readonly stats: StatsSettings,
    private readonly settings: AlertSettings,
    private readonly log: AlertLog,
  ) {}

  start(): void {
    const tick = (): void => {
      this.running = this.sweep()
        .catch((error: unknown) =>
          this.log('warn', 'alert sweep failed', { error: error instanceof Error ? error.message : String(error) }),
        )
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.timer = setTimeout(tick, this.settings.sweepIntervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Reads the rules and buckets in scope again; then, if this instance holds the lease, sweeps. */
  sweep(): Promise<void> {
    return this.serially(() => this.sweepOnce());
  }

  /** Reads the rules, the buckets in their scope and the states again (after a change of rules). */
  refresh(): Promise<void> {
    return this.serially(async () => void (await this.refreshOnce()));
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async sweepOnce(): Promise<void> {
    const now = this.clock.now();
    const buckets = await this.refreshOnce();
    if (this.scope.rules.length === 0) return;
    // Observations a crash left behind (or another instance's, not yet looked at).
    await this.evaluator.drainObservations();
    // Leases run on the wall clock: instances share it, whatever clock the stats use.
    const leaseMs = this.settings.sweepIntervalMs * 3;
    if (!(await this.store.alertOutbox.takeLease('sweep', this.owner, Date.now(), leaseMs))) return;
    if (this.sweptAt === undefined) {
      const saved = await this.store.alertOutbox.setting(SWEPT_AT);
      this.sweptAt = saved === undefined ? now : Number(saved);
    }
    const since = this.sweptAt - LOOK_BACK_MS;
    const fromDay = dayOf(now - this.stats.staleAfterMs) - 1;
    const nodeBuckets = buckets.filter((id) => this.scope.rulesFor(id, NODE_EVENTS).length > 0);
    for (const newest of await this.store.alertOutbox.newestReports(nodeBuckets, fromDay)) this.lookAtNode(newest, now, since);
    if (now - this.uptimeAt >= UPTIME_EVERY_SWEEPS * this.settings.sweepIntervalMs) {
      this.uptimeAt = now;
      for (const bucketId of buckets.filter((id) => this.scope.rulesFor(id, ['uptime.below']).length > 0)) {
        await this.lookAtUptime(bucketId, await bucketDayStats(this.store.stats, bucketId, dayOf(now), now, this.stats), now);
      }
    }
    await this.evaluator.idle();
    this.sweptAt = now;
    if (now - this.savedAt >= SAVE_EVERY_MS) {
      await this.store.alertOutbox.saveSetting(SWEPT_AT, String(now));
      this.savedAt = now;
    }
  }

  /** Answers the buckets in the scope of a rule. */
  private async refreshOnce(): Promise<string[]> {
    this.scope.setRules(await this.store.alertRules.allRules());
    await this.evaluator.reloadStates();
    if (this.scope.rules.length === 0) return [];
    const buckets = await this.store.buckets.list(this.scope.workspaceIds());
    for (const bucket of buckets) this.scope.knowBucket(bucket.id, bucket.workspace_id);
    return buckets
      .map((bucket) => bucket.id)
      .filter((id) => this.scope.rulesFor(id, [...NODE_EVENTS, 'uptime.below']).length > 0);
  }

  private lookAtNode(
    newest: { bucketId: string; nodeId: string; at: number; status: NodeStatus },
    now: number,
    since: number,
  ): void {
    const { bucketId, nodeId } = newest;
    const current = currentStatus(newest, now, this.stats.staleAfterMs);
    for (const rule of this.scope.rulesFor(bucketId, NODE_EVENTS)) {
      const key = { ruleId: rule.id, bucketId, nodeId };
      const state = this.evaluator.stateOf(key);
      if (current.status === 'ONLINE' ? !state : state?.sent) continue;
      if (!state && current.since < Math.max(since, rule.createdAt)) continue;
      void this.evaluator.enqueue(rule, key, current, newest.at);
    }
  }

  private async lookAtUptime(bucketId: string, entries: NodeDayEntry[], now: number): Promise<void> {
    for (const rule of this.scope.rulesFor(bucketId, ['uptime.below'])) {
      const threshold = rule.uptimeBelow;
      if (threshold === null || entries.length === 0) continue;
      const day = dayOf(now);
      if (day !== this.uptimeDay) {
        this.uptimeSent.clear();
        this.uptimeDay = day;
      }
      const below: NodeDayEntry[] = [];
      for (const entry of entries) {
        if (entry.percUptime < threshold && !(await this.maintenance.covers(bucketId, entry.nodeId, now))) below.push(entry);
      }
      const sentKey = (nodeId: string): string => `${rule.id}/${bucketId}/${nodeId}/${day}`;
      if (below.every((entry) => this.uptimeSent.has(sentKey(entry.nodeId)))) continue;
      if (entries.length > 1 && below.length === entries.length) {
        const lowest = Math.min(...below.map((e) => e.percUptime));
        await this.raiseUptime(
          rule,
          bucketId,
          null,
          below.map((e) => e.nodeId),
          lowest,
          day,
          now,
        );
        continue;
      }
      const unsent = below.filter((entry) => !this.uptimeSent.has(sentKey(entry.nodeId)));
      for (const entry of unsent) await this.raiseUptime(rule, bucketId, entry, [entry.nodeId], entry.percUptime, day, now);
    }
  }

  private async raiseUptime(
    rule: AlertRuleRecord,
    bucketId: string,
    entry: NodeDayEntry | null,
    nodeIds: string[],
    percUptime: number,
    day: number,
    now: number,
  ): Promise<void> {
    const facts = {
      status: entry?.nodeStatus ?? null,
      previousStatus: null,
      since: day * 86_400_000,
      perc_uptime: percUptime,
      uptimeBelow: rule.uptimeBelow ?? 0,
    };
    const event = await this.builder.build('uptime.below', rule, bucketId, entry?.nodeId ?? null, facts, now);
    await this.store.alertOutbox.apply(
      { kind: 'uptime', ruleId: rule.id, bucketId, nodeIds: entry ? nodeIds : ['', ...nodeIds], day },
      event,
    );
    for (const nodeId of nodeIds) this.uptimeSent.add(`${rule.id}/${bucketId}/${nodeId}/${day}`);
  }
}
