import type { Kysely } from 'kysely';
import type { AlertChannelRecord } from './alert-rule-store.js';
import type { Database } from './database-schema.js';
import { isPostgres } from './dialect.js';

/** A delivery taken by one instance for one try. */
export interface ClaimedDelivery {
  seq: number;
  eventId: string;
  eventType: string;
  channelId: string;
  attempts: number;
  createdAt: number;
  payload: string;
}

/** How one try ended. */
export interface TryOutcome {
  status: 'delivered' | 'failed' | 'gave_up';
  httpStatus: number | null;
  error: string | null;
  attemptedAt: number;
  durationMs: number;
  /** `failed`: when to try again. */
  nextAt?: number;
  /** The receiver said 410 Gone: the channel is disabled, with this reason. */
  disableChannel?: string;
}

/** One line of the deliveries list: a try, or a delivery still waiting for its next one. */
export interface DeliveryLine {
  eventId: string;
  eventType: string;
  channelId: string;
  attempt: number;
  attemptedAt: number | null;
  nextAttemptAt: number | null;
  status: string;
  httpStatus: number | null;
  error: string | null;
  durationMs: number | null;
}

export interface DeliveryFilter {
  channelId?: string | undefined;
  eventType?: string | undefined;
  status?: string | undefined;
  limit: number;
}

/**
 * The outbox's deliveries, taken with a lease: several instances on one
 * PostgreSQL each take different rows (`FOR UPDATE SKIP LOCKED`), and a
 * delivery waits while an earlier one of its channel and order key is not
 * done, so that per (node, bucket, channel) events go out in order while
 * other channels go on.
 *
 * @example
 * const claimed = await deliveries.claim('instance-a', Date.now(), 15_000, 20);
 */
export class AlertDeliveryStore {
  constructor(private readonly db: Kysely<Database>) {}

  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    const postgres = isPostgres(this.db);
    const rows = await this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('alert_deliveries as d')
        .select(['d.seq', 'd.event_id', 'd.event_type', 'd.channel_id', 'd.attempts', 'd.created_at'])
        .where('d.status', '=', 'pending')
        .where('d.next_at', '<=', now)
        .where('d.lease_until', '<=', now)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('alert_deliveries as e')
                .select('e.seq')
                .whereRef('e.channel_id', '=', 'd.channel_id')
                .whereRef('e.order_key', '=', 'd.order_key')
                .where('e.status', '=', 'pending')
                .whereRef('e.seq', '<', 'd.seq'),
            ),
          ),
        )
        .orderBy('d.seq')
        .limit(limit)
        .$if(postgres, (qb) => qb.forUpdate().skipLocked())
        .execute();
      if (due.length === 0) return [];
      await trx
        .updateTable('alert_deliveries')
        .set({ lease_until: now + leaseMs, lease_owner: owner })
        .where(
          'seq',
          'in',
          due.map((row) => row.seq),
        )
        .execute();
      return due;
    });
    if (rows.length === 0) return [];
    const events = await this.db
      .selectFrom('alert_events')
      .select(['id', 'payload'])
      .where('id', 'in', [...new Set(rows.map((row) => row.event_id))])
      .execute();
    const payloads = new Map(events.map((event) => [event.id, event.payload]));
    return rows.map((row) => ({
      seq: row.seq,
      eventId: row.event_id,
      eventType: row.event_type,
      channelId: row.channel_id,
      attempts: row.attempts,
      createdAt: row.created_at,
      payload: payloads.get(row.event_id) ?? '{}',
    }));
  }

  /** Records a try of a claimed delivery, unless its lease went to another instance meanwhile. */
  async settle(delivery: ClaimedDelivery, owner: string, workspaceId: string, outcome: TryOutcome): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const attempt = delivery.attempts + 1;
      const updated = await trx
        .updateTable('alert_deliveries')
        .set({
          status: outcome.status === 'failed' ? 'pending' : outcome.status,
          attempts: attempt,
          next_at: outcome.nextAt ?? outcome.attemptedAt,
          lease_until: 0,
          lease_owner: null,
        })
        .where('seq', '=', delivery.seq)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return;
      await trx
        .insertInto('alert_attempts')
        .values({
          event_id: delivery.eventId,
          channel_id: delivery.channelId,
          workspace_id: workspaceId,
          event_type: delivery.eventType,
          attempt,
          attempted_at: outcome.attemptedAt,
          status: outcome.status,
          http_status: outcome.httpStatus,
          error: outcome.error,
          duration_ms: outcome.durationMs,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      if (outcome.disableChannel === undefined) return;
      await trx
        .updateTable('alert_channels')
        .set({ disabled_at: outcome.attemptedAt, disabled_reason: outcome.disableChannel })
        .where('id', '=', delivery.channelId)
        .where('disabled_at', 'is', null)
        .execute();
      await trx
        .updateTable('alert_deliveries')
        .set({ status: 'gave_up', lease_until: 0, lease_owner: null })
        .where('channel_id', '=', delivery.channelId)
        .where('status', '=', 'pending')
        .execute();
    });
  }

  /** The earliest instant a pending delivery is due and not leased, if any. */
  async nextDueAt(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('alert_deliveries')
      .select((eb) =>
        eb.fn
          .min(eb.case().when('lease_until', '>', eb.ref('next_at')).then(eb.ref('lease_until')).else(eb.ref('next_at')).end())
          .as('next'),
      )
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.next === null || row?.next === undefined ? undefined : Number(row.next);
  }

  async channel(channelId: string): Promise<AlertChannelRecord | undefined> {
    return this.db.selectFrom('alert_channels').selectAll().where('id', '=', channelId).executeTakeFirst();
  }

  /** Tries and waiting deliveries of a workspace, newest first. */
  async list(workspaceId: string, filter: DeliveryFilter): Promise<DeliveryLine[]> {
    const lines: DeliveryLine[] = [];
    if (filter.status !== 'pending') {
      const tries = await this.db
        .selectFrom('alert_attempts')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .$if(filter.channelId !== undefined, (qb) => qb.where('channel_id', '=', filter.channelId as string))
        .$if(filter.eventType !== undefined, (qb) => qb.where('event_type', '=', filter.eventType as string))
        .$if(filter.status !== undefined, (qb) => qb.where('status', '=', filter.status as string))
        .orderBy('attempted_at', 'desc')
        .orderBy('attempt', 'desc')
        .limit(filter.limit)
        .execute();
      for (const row of tries) {
        lines.push({
          eventId: row.event_id,
          eventType: row.event_type,
          channelId: row.channel_id,
          attempt: row.attempt,
          attemptedAt: row.attempted_at,
          nextAttemptAt: null,
          status: row.status,
          httpStatus: row.http_status,
          error: row.error,
          durationMs: row.duration_ms,
        });
      }
    }
    if (filter.status === undefined || filter.status === 'pending') {
      const waiting = await this.db
        .selectFrom('alert_deliveries')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('status', '=', 'pending')
        .$if(filter.channelId !== undefined, (qb) => qb.where('channel_id', '=', filter.channelId as string))
        .$if(filter.eventType !== undefined, (qb) => qb.where('event_type', '=', filter.eventType as string))
        .orderBy('seq', 'desc')
        .limit(filter.limit)
        .execute();
      for (const row of waiting) {
        lines.push({
          eventId: row.event_id,
          eventType: row.event_type,
          channelId: row.channel_id,
          attempt: row.attempts + 1,
          attemptedAt: null,
          nextAttemptAt: row.next_at,
          status: 'pending',
          httpStatus: null,
          error: null,
          durationMs: null,
        });
      }
    }
    const when = (line: DeliveryLine): number => line.attemptedAt ?? line.nextAttemptAt ?? 0;
    return lines.sort((a, b) => when(b) - when(a) || b.attempt - a.attempt).slice(0, filter.limit);
  }
}
