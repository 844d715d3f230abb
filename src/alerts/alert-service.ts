import type { Clock } from '../time/clock.js';
import type { AlertSettings } from '../config/config.js';
import type { StatsSettings } from '../stats/bucket-day-stats.js';
import type { ServiceStore } from '../ingest/service-store.js';
import { AlertEvaluator } from './alert-evaluator.js';
import { AlertEventBuilder } from './alert-event-builder.js';
import { AlertScope } from './alert-scope.js';
import { AlertSweep } from './alert-sweep.js';
import { DeliveryWorker, type AlertLog } from './delivery-worker.js';
import { NO_MAINTENANCE, type MaintenanceCover } from './maintenance-cover.js';

export interface AlertServiceOptions {
  store: ServiceStore;
  clock: Clock;
  stats: StatsSettings;
  settings: AlertSettings;
  maintenance?: MaintenanceCover;
  log: AlertLog;
}

/**
 * Alerts as one part of the service: the evaluator fed by committed
 * reports, the sweep, and the delivery worker, started and stopped together.
 *
 * @example
 * const alerts = new AlertService({ store, clock, stats, settings: config.alerts, log });
 * await alerts.start(); // ... await alerts.stop();
 */
export class AlertService {
  readonly scope = new AlertScope();
  readonly builder: AlertEventBuilder;
  readonly evaluator: AlertEvaluator;
  readonly sweep: AlertSweep;
  readonly deliveries: DeliveryWorker;
  private readonly onObserved = (): void => void this.evaluator.drainObservations();
  private readonly onBucketDeleted = (bucketId: string): void => this.scope.forgetBucket(bucketId);
  // The workspace's rules went with it: the sweep stops looking at them at once.
  private readonly onWorkspaceDeleted = (): void => {
    this.sweep
      .refresh()
      .catch((error: unknown) => this.options.log('warn', 'alert rules not read again', { error: String(error) }));
  };

  constructor(private readonly options: AlertServiceOptions) {
    const { store, clock, stats, settings, log } = options;
    const maintenance = options.maintenance ?? NO_MAINTENANCE;
    this.builder = new AlertEventBuilder(store, settings);
    this.evaluator = new AlertEvaluator(store, this.scope, this.builder, maintenance, clock, stats.staleAfterMs, log);
    this.sweep = new AlertSweep(store, this.scope, this.evaluator, this.builder, maintenance, clock, stats, settings, log);
    this.deliveries = new DeliveryWorker(store, settings, log);
  }

  /** Starts, once the rules in force are read: a report acknowledged after this is looked at. */
  async start(): Promise<void> {
    const { store } = this.options;
    store.reports.alertFilter = (reports) => this.evaluator.select(reports);
    store.events.on('alertsObserved', this.onObserved);
    store.events.on('bucketDeleted', this.onBucketDeleted);
    store.events.on('workspaceDeleted', this.onWorkspaceDeleted);
    const { deliveries } = this;
    store.alertOutbox.sender = {
      owner: deliveries.owner,
      leaseMs: deliveries.leaseMs,
      send: (claimed) => deliveries.sendNow(claimed),
    };
    store.alertRules.changed = () => this.sweep.refresh();
    await this.sweep.refresh();
    // What a crash left to look at comes first: later reports are compared with the states it leaves.
    await this.evaluator.drainObservations();
    this.sweep.start();
    this.deliveries.start();
  }

  async stop(): Promise<void> {
    const { store } = this.options;
    store.reports.alertFilter = () => [];
    store.events.off('alertsObserved', this.onObserved);
    store.events.off('bucketDeleted', this.onBucketDeleted);
    store.events.off('workspaceDeleted', this.onWorkspaceDeleted);
    store.alertRules.changed = async () => undefined;
    store.alertOutbox.sender = undefined;
    await this.sweep.stop();
    await this.evaluator.idle();
    await this.deliveries.stop();
  }
}
