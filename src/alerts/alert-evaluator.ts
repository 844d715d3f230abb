import type { Clock } from '../time/clock.js';
import { nextAlertStep, type CurrentStatus, type DownState } from '../stats/alert-transitions.js';
import type { AlertRuleRecord } from '../store/alert-rule-store.js';
import type { DownKey } from '../store/alert-outbox.js';
import type { NewReport } from '../ingest/report-writer.js';
import type { Store } from '../store/store.js';
import type { AlertEventBuilder } from './alert-event-builder.js';
import { NODE_EVENTS, type AlertScope } from './alert-scope.js';
import type { AlertLog } from './delivery-worker.js';
import type { MaintenanceCover } from './maintenance-cover.js';

const stateKey = (key: DownKey): string => `${key.ruleId}/${key.bucketId}/${key.nodeId}`;

/**
 * Raises `node.down` and `node.up` (spec/alerts.md, "Events"). A report
 * that changes a node's status for a rule is chosen on the ingest path
 * (`select`: a few map lookups per report) and stored by the ingest
 * transaction as an observation; after the commit (or at the next start,
 * after a crash) `drainObservations` looks at it. `AlertSweep` looks at
 * every node in scope every few seconds, for silent nodes, hold-downs that
 * ran out, and changes another instance saw. Every change of state goes
 * through one queue, and is stored with its event in one transaction
 * (`AlertOutbox.apply`); every change applies only once.
 *
 * @example
 * store.reports.alertFilter = (reports) => evaluator.select(reports);
 */
export class AlertEvaluator {
  /** (rule, bucket, node) → its state while not ONLINE, as this instance last knew it. */
  private states = new Map<string, DownState>();
  /**
   * Where the looks queued so far will leave a state (not ONLINE): what the
   * ingest path compares a report with, before its looks have run, so that
   * an OFFLINE report followed at once by an ONLINE one queues both.
   */
  private believedDown = new Set<string>();
  /** Keys with observations chosen and not yet looked at: their belief is newer than any stored state. */
  private readonly pending = new Map<string, number>();
  /** (bucket, node) → the newest report instant seen here: an older one is late, and about the past. */
  private readonly newest = new Map<string, number>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly scope: AlertScope,
    private readonly builder: AlertEventBuilder,
    private readonly maintenance: MaintenanceCover,
    private readonly clock: Clock,
    private readonly staleAfterMs: number,
    private readonly log: AlertLog,
  ) {}

  /** Takes the stored states again (another instance may have changed them). */
  async reloadStates(): Promise<void> {
    const reload = this.queue.then(async () => {
      const states = new Map<string, DownState>();
      for (const row of await this.store.alertOutbox.downStates()) {
        states.set(stateKey(row), { since: row.since, status: row.status, sent: row.sent });
      }
      this.states = states;
      const believed = new Set([...states.keys()].filter((key) => !this.pending.has(key)));
      for (const key of this.pending.keys()) if (this.believedDown.has(key)) believed.add(key);
      this.believedDown = believed;
    });
    this.queue = reload.catch(() => undefined);
    await reload;
  }

  stateOf(key: DownKey): DownState | undefined {
    return this.states.get(stateKey(key));
  }

  /**
   * On the ingest path, before the commit: the reports that change a
   * node's status for a rule (a few map lookups per report), which the
   * ingest transaction stores as observations with the reports themselves.
   */
  select(reports: readonly NewReport[]): NewReport[] {
    if (this.scope.rules.length === 0) return [];
    const now = this.clock.now();
    const chosen: NewReport[] = [];
    for (const report of reports) {
      const rules = this.scope.rulesFor(report.bucketId, NODE_EVENTS);
      if (rules.length === 0) continue;
      const series = `${report.bucketId}/${report.nodeId}`;
      if (report.at < (this.newest.get(series) ?? -Infinity)) continue;
      this.newest.set(series, report.at);
      // Its status no longer holds at the current instant: the sweep sees the node as silent.
      if (now - report.at > this.staleAfterMs) continue;
      const online = report.status === 'ONLINE';
      const changes = rules.some((rule) => online === this.believedDown.has(stateKey({ ruleId: rule.id, ...report })));
      if (!changes) continue;
      for (const rule of rules) {
        const key = stateKey({ ruleId: rule.id, bucketId: report.bucketId, nodeId: report.nodeId });
        if (online) this.believedDown.delete(key);
        else this.believedDown.add(key);
        this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
      }
      chosen.push(report);
    }
    return chosen;
  }

  /** Looks at the stored observations in order, each for every rule in scope, then deletes them. */
  drainObservations(): Promise<void> {
    const drain = this.queue.then(async () => {
      for (;;) {
        const batch = await this.store.alertOutbox.observations(200);
        if (batch.length === 0) return;
        for (const observation of batch) {
          const { bucketId, nodeId } = observation;
          for (const rule of this.scope.rulesFor(bucketId, NODE_EVENTS)) {
            const key = { ruleId: rule.id, bucketId, nodeId };
            await this.look(rule, key, { status: observation.status, since: observation.at });
            const left = (this.pending.get(stateKey(key)) ?? 1) - 1;
            if (left > 0) this.pending.set(stateKey(key), left);
            else this.pending.delete(stateKey(key));
          }
        }
        // Looks are idempotent: a crash before this delete repeats them to no effect.
        await this.store.alertOutbox.deleteObservations(batch.map((o) => o.seq));
      }
    });
    this.queue = drain.catch((error: unknown) => {
      this.log('warn', 'alert observations could not be looked at', {
        error: error instanceof Error ? error.message : String(error),
      });
    });
    return this.queue;
  }

  /** Queues one look at a (rule, bucket, node) whose status at the current instant is `current`. */
  /**
   * Queues the sweep's look at a (rule, bucket, node), from its newest report
   * at `reportAt` as the sweep read it: passed over if this instance has seen
   * a newer report since (the sweep's read raced with ingest).
   */
  enqueue(rule: AlertRuleRecord, key: DownKey, current: CurrentStatus, reportAt: number): Promise<void> {
    const series = `${key.bucketId}/${key.nodeId}`;
    const look = this.queue.then(async () => {
      if ((this.newest.get(series) ?? -Infinity) > reportAt || this.pending.has(stateKey(key))) return;
      await this.look(rule, key, current);
      if (this.states.has(stateKey(key))) this.believedDown.add(stateKey(key));
      else this.believedDown.delete(stateKey(key));
    });
    this.queue = look.catch((error: unknown) => {
      this.log('warn', 'alert state could not be stored', {
        ruleId: rule.id,
        error: error instanceof Error ? error.message : String(error),
      });
    });
    return this.queue;
  }

  /** Resolves once every look queued so far is done. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async look(rule: AlertRuleRecord, key: DownKey, current: CurrentStatus): Promise<void> {
    const now = this.clock.now();
    const state = this.states.get(stateKey(key));
    const muted = current.status !== 'ONLINE' && (await this.maintenance.covers(key.bucketId, key.nodeId, now));
    const step = nextAlertStep({ state, current, forMs: rule.forSeconds * 1000, now, muted });
    switch (step.kind) {
      case 'none':
        return;
      case 'hold':
        if (await this.store.alertOutbox.apply({ kind: 'hold', key, state: step.state }))
          this.states.set(stateKey(key), step.state);
        return;
      case 'forget':
        await this.store.alertOutbox.apply({ kind: 'forget', key });
        this.states.delete(stateKey(key));
        return;
      case 'down': {
        const facts = { status: step.state.status, previousStatus: 'ONLINE' as const, since: step.state.since };
        const event = rule.events.includes('node.down')
          ? await this.builder.build('node.down', rule, key.bucketId, key.nodeId, facts, now)
          : undefined;
        if (await this.store.alertOutbox.apply({ kind: 'down', key, state: step.state }, event))
          this.states.set(stateKey(key), step.state);
        return;
      }
      case 'up': {
        // node.up never without its node.down: a rule that does not send node.down sends no node.up.
        const sends = rule.events.includes('node.up') && rule.events.includes('node.down');
        const facts = { status: 'ONLINE' as const, previousStatus: step.down.status, since: step.since, downMs: step.downMs };
        const event = sends ? await this.builder.build('node.up', rule, key.bucketId, key.nodeId, facts, now) : undefined;
        await this.store.alertOutbox.apply({ kind: 'up', key }, event);
        this.states.delete(stateKey(key));
        return;
      }
    }
  }
}
