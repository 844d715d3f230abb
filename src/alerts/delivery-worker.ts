import { randomUUID } from 'node:crypto';
import type { AlertSettings } from '../config/config.js';
import { retryDelayMs } from '../stats/alert-transitions.js';
import type { ClaimedDelivery, TryOutcome } from '../store/alert-delivery-store.js';
import type { Store } from '../store/store.js';
import { ChannelSender } from './channel-sender.js';

/** Where the worker reports what it did; never given a URL, a secret or a body. */
export type AlertLog = (level: 'info' | 'warn', message: string, facts: Record<string, unknown>) => void;

// Deliveries in flight at once per instance; each channel's head of line is one of them at most.
const MAX_IN_FLIGHT = 32;
// With nothing announced by this instance, the outbox is looked at this often (other instances' events, retries).
const POLL_MS = 500;

/**
 * Sends the outbox's deliveries (spec/alerts.md, "Delivery"): takes due
 * ones with a lease a little longer than a try may take, sends each on its
 * own (a slow receiver holds only its own delivery), and records every try:
 * 2xx delivered; 410 disables the channel; anything else is tried again
 * after an exponential backoff with jitter, until `giveUpAfterMs` after the
 * event. Delivery times are wall-clock time, whatever clock the stats use.
 *
 * @example
 * const worker = new DeliveryWorker(store, config.alerts, log); worker.start(); worker.wake();
 */
export class DeliveryWorker {
  readonly owner = randomUUID();
  private readonly sender: ChannelSender;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly settings: AlertSettings,
    private readonly log: AlertLog,
  ) {
    this.sender = new ChannelSender(settings);
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Sends deliveries this instance just stored leased to itself (see `AlertOutbox.sender`). */
  sendNow(claimed: ClaimedDelivery[]): void {
    if (this.stopped) return;
    for (const delivery of claimed) this.track(delivery);
  }

  /** Looks at the outbox now (an event was just stored). */
  wake(): void {
    if (!this.stopped) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
    this.sender.close();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        const room = MAX_IN_FLIGHT - this.inFlight.size;
        if (room <= 0) break;
        // A read first: taking deliveries is a write transaction, not worth starting for nothing.
        const due = await this.store.alertDeliveries.nextDueAt();
        if (due === undefined || due > Date.now()) break;
        const claimed = await this.store.alertDeliveries.claim(this.owner, Date.now(), this.leaseMs, room);
        for (const delivery of claimed) this.track(delivery);
        if (claimed.length === room) this.again = true;
      } while (this.again && !this.stopped);
    } catch (error) {
      this.log('warn', 'alert outbox could not be read', { error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.running = false;
      if (!this.stopped) this.schedule(await this.nextLook());
    }
  }

  private track(delivery: ClaimedDelivery): void {
    const work = this.deliver(delivery)
      .catch((error: unknown) =>
        this.log('warn', 'alert delivery could not be recorded', { eventId: delivery.eventId, error: String(error) }),
      )
      .finally(() => {
        this.inFlight.delete(work);
        this.wake();
      });
    this.inFlight.add(work);
  }

  /** How long a delivery is leased for one try: a little longer than a try may take. */
  get leaseMs(): number {
    return this.settings.timeoutMs + 5_000;
  }

  private async nextLook(): Promise<number> {
    const due = await this.store.alertDeliveries.nextDueAt().catch(() => undefined);
    const wait = due === undefined ? POLL_MS : due - Date.now();
    // Due already, yet not taken: waiting behind an earlier delivery of its channel, or another instance's.
    return wait <= 0 ? POLL_MS : Math.min(POLL_MS, wait);
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const started = Date.now();
    const channel = await this.store.alertDeliveries.channel(delivery.channelId);
    const facts = {
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      channelId: delivery.channelId,
      attempt: delivery.attempts + 1,
    };
    if (!channel || channel.disabled_at !== null) {
      const error = channel ? `the channel is disabled: ${channel.disabled_reason ?? ''}` : 'the channel was deleted';
      const outcome: TryOutcome = { status: 'gave_up', httpStatus: null, error, attemptedAt: started, durationMs: 0 };
      await this.store.alertDeliveries.settle(delivery, this.owner, channel?.workspace_id ?? '', outcome);
      return;
    }
    const result = await this.sender.send(channel, delivery.eventId, delivery.payload, started);
    const attemptedAt = started;
    const durationMs = Date.now() - started;
    let outcome: TryOutcome;
    if (result.ok) {
      outcome = { status: 'delivered', httpStatus: result.httpStatus, error: null, attemptedAt, durationMs };
    } else if (result.httpStatus === 410) {
      const reason = `the receiver answered 410 Gone at ${new Date(attemptedAt).toISOString()}`;
      outcome = {
        status: 'gave_up',
        httpStatus: 410,
        error: `${reason}; the channel is disabled`,
        attemptedAt,
        durationMs,
        disableChannel: reason,
      };
    } else {
      const delay = retryDelayMs(delivery.attempts + 1, this.settings.retryBaseMs, this.settings.retryMaxMs, Math.random());
      const nextAt = Date.now() + delay;
      outcome =
        nextAt - delivery.createdAt > this.settings.giveUpAfterMs
          ? { status: 'gave_up', httpStatus: result.httpStatus, error: result.error, attemptedAt, durationMs }
          : { status: 'failed', httpStatus: result.httpStatus, error: result.error, attemptedAt, durationMs, nextAt };
    }
    await this.store.alertDeliveries.settle(delivery, this.owner, channel.workspace_id, outcome);
    if (outcome.status !== 'delivered') {
      this.log('warn', 'alert delivery failed', {
        ...facts,
        kind: channel.kind,
        status: outcome.status,
        httpStatus: outcome.httpStatus,
        error: outcome.error,
      });
    }
  }
}
