import type { Kysely, Transaction } from 'kysely';
import type { DownState } from '../stats/alert-transitions.js';
import type { NodeStatus } from '../stats/node-status.js';
import type { ClaimedDelivery } from './alert-delivery-store.js';
import type { Database } from './database-schema.js';
import { statusFromCode } from './status-codes.js';

/** Which (rule, bucket, node) a state belongs to. */
export interface DownKey {
  ruleId: string;
  bucketId: string;
  nodeId: string;
}

/** An event to store with the change that raised it, and the channels it goes to. */
export interface RaisedEvent {
  id: string;
  workspaceId: string;
  type: string;
  /** The webhook body, as JSON text. */
  payload: string;
  channelIds: readonly string[];
  /** Deliveries of one channel with the same key go out in the order raised. */
  orderKey: string;
  createdAt: number;
}

/**
 * A change of alert state. Each applies only if the stored state still
 * allows it (so that two instances, or a sweep and a report, cannot both
 * raise the same event), and its event is stored only if it applied.
 */
export type AlertChange =
  | { kind: 'hold'; key: DownKey; state: DownState }
  | { kind: 'down'; key: DownKey; state: DownState }
  | { kind: 'up'; key: DownKey }
  | { kind: 'forget'; key: DownKey }
  /** Marks uptime.below sent for each node of `nodeIds` ('' : the whole bucket); applies if the first was not yet. */
  | { kind: 'uptime'; ruleId: string; bucketId: string; nodeIds: readonly string[]; day: number }
  | { kind: 'test' };

export interface StoredDownState extends DownKey, DownState {}

const whereKey = (key: DownKey) => ({ rule_id: key.ruleId, bucket_id: key.bucketId, node_id: key.nodeId });

/**
 * The outbox of alerts (spec/alerts.md, "Delivery"): an event is stored in
 * the transaction that changes the state that raised it, with one delivery
 * row per channel; `AlertDeliveries` sends them.
 *
 * @example
 * const raised = await outbox.apply({ kind: 'down', key, state }, event);
 */
export class AlertOutbox {
  /**
   * Who sends what this instance raises, at once: its deliveries are stored
   * already leased to `owner` (unless an earlier one of their channel and
   * order key still waits), and handed to `send` after the commit, without
   * another transaction to take them.
   */
  sender: { owner: string; leaseMs: number; send: (claimed: ClaimedDelivery[]) => void } | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  /** Applies `change` and, if it applied, stores `event` with it; answers whether it applied. */
  async apply(change: AlertChange, event?: RaisedEvent): Promise<boolean> {
    const applied = await this.db.transaction().execute(async (trx): Promise<ClaimedDelivery[] | false> => {
      if (!(await applyChange(trx, change))) return false;
      return event ? insertEvent(trx, event, this.sender) : [];
    });
    if (applied && applied.length > 0) this.sender?.send(applied);
    return applied !== false;
  }

  /** Every stored state of a (rule, bucket, node) that is not ONLINE. */
  async downStates(): Promise<StoredDownState[]> {
    const rows = await this.db.selectFrom('alert_down_states').selectAll().execute();
    return rows.map((row) => ({
      ruleId: row.rule_id,
      bucketId: row.bucket_id,
      nodeId: row.node_id,
      since: row.since,
      status: row.status as NodeStatus,
      sent: row.sent === 1,
    }));
  }

  /**
   * The newest report of every (node, bucket) of `bucketIds` with a report
   * on or after `fromDay`, from the daily rollups (one read for all buckets).
   */
  async newestReports(
    bucketIds: readonly string[],
    fromDay: number,
  ): Promise<Array<{ bucketId: string; nodeId: string; at: number; status: NodeStatus }>> {
    if (bucketIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('series as s')
      .innerJoin('daily_rollups as r', 'r.series_id', 's.id')
      .select(['s.bucket_id', 's.node_id', 'r.last_at', 'r.last_status'])
      .where('s.bucket_id', 'in', bucketIds)
      .where('r.day', '>=', fromDay)
      .execute();
    const newest = new Map<string, { bucketId: string; nodeId: string; at: number; status: NodeStatus }>();
    for (const row of rows) {
      const key = `${row.bucket_id}/${row.node_id}`;
      if ((newest.get(key)?.at ?? -Infinity) >= row.last_at) continue;
      newest.set(key, { bucketId: row.bucket_id, nodeId: row.node_id, at: row.last_at, status: statusFromCode(row.last_status) });
    }
    return [...newest.values()];
  }

  /** The oldest observations not yet looked at (see `GroupBatch.observe`), in the order stored. */
  async observations(
    limit: number,
  ): Promise<Array<{ seq: number; bucketId: string; nodeId: string; at: number; status: NodeStatus }>> {
    const rows = await this.db.selectFrom('alert_observations').selectAll().orderBy('seq').limit(limit).execute();
    return rows.map((row) => ({
      seq: row.seq,
      bucketId: row.bucket_id,
      nodeId: row.node_id,
      at: row.at,
      status: row.status as NodeStatus,
    }));
  }

  async deleteObservations(seqs: readonly number[]): Promise<void> {
    if (seqs.length > 0) await this.db.deleteFrom('alert_observations').where('seq', 'in', seqs).execute();
  }

  /**
   * Takes (or keeps) the lease `name` for `holder` until `now + ttlMs`,
   * unless another holder's lease still runs: answers whether `holder` has it.
   */
  async takeLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    const result = await this.db
      .insertInto('alert_leases')
      .values({ name, holder, until: now + ttlMs })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, until: now + ttlMs })
          .where((eb) => eb.or([eb('alert_leases.until', '<', now), eb('alert_leases.holder', '=', holder)])),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async setting(key: string): Promise<string | undefined> {
    return (await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async saveSetting(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }
}

async function applyChange(trx: Transaction<Database>, change: AlertChange): Promise<boolean> {
  switch (change.kind) {
    case 'test':
      return true;
    case 'hold': {
      const row = { ...whereKey(change.key), since: change.state.since, status: change.state.status, sent: 0 };
      const result = await trx
        .insertInto('alert_down_states')
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    }
    case 'down': {
      const key = whereKey(change.key);
      const updated = await trx
        .updateTable('alert_down_states')
        .set({ sent: 1 })
        .where('rule_id', '=', key.rule_id)
        .where('bucket_id', '=', key.bucket_id)
        .where('node_id', '=', key.node_id)
        .where('sent', '=', 0)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) return true;
      const row = { ...key, since: change.state.since, status: change.state.status, sent: 1 };
      const inserted = await trx
        .insertInto('alert_down_states')
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    }
    case 'up':
    case 'forget': {
      const key = whereKey(change.key);
      const deleted = await trx
        .deleteFrom('alert_down_states')
        .where('rule_id', '=', key.rule_id)
        .where('bucket_id', '=', key.bucket_id)
        .where('node_id', '=', key.node_id)
        .where('sent', '=', change.kind === 'up' ? 1 : 0)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    }
    case 'uptime': {
      let first = true;
      for (const nodeId of change.nodeIds) {
        const row = { rule_id: change.ruleId, bucket_id: change.bucketId, node_id: nodeId, day: change.day };
        const result = await trx
          .insertInto('alert_uptime_sent')
          .values(row)
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        if (first && Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
        first = false;
      }
      return true;
    }
  }
}

async function insertEvent(
  trx: Transaction<Database>,
  event: RaisedEvent,
  sender: AlertOutbox['sender'],
): Promise<ClaimedDelivery[]> {
  await trx
    .insertInto('alert_events')
    .values({
      id: event.id,
      workspace_id: event.workspaceId,
      type: event.type,
      payload: event.payload,
      created_at: event.createdAt,
    })
    .execute();
  const claimed: ClaimedDelivery[] = [];
  for (const channelId of event.channelIds) {
    // Leased at once unless an earlier delivery of the channel and order key waits: order comes first.
    const waiting = sender
      ? await trx
          .selectFrom('alert_deliveries')
          .select('seq')
          .where('channel_id', '=', channelId)
          .where('order_key', '=', event.orderKey)
          .where('status', '=', 'pending')
          .limit(1)
          .executeTakeFirst()
      : undefined;
    const leased = sender !== undefined && waiting === undefined;
    const row = await trx
      .insertInto('alert_deliveries')
      .values({
        event_id: event.id,
        channel_id: channelId,
        workspace_id: event.workspaceId,
        event_type: event.type,
        order_key: event.orderKey,
        status: 'pending',
        attempts: 0,
        next_at: event.createdAt,
        lease_until: leased ? event.createdAt + sender.leaseMs : 0,
        lease_owner: leased ? sender.owner : null,
        created_at: event.createdAt,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    if (leased) {
      claimed.push({
        seq: row.seq,
        eventId: event.id,
        eventType: event.type,
        channelId,
        attempts: 0,
        createdAt: event.createdAt,
        payload: event.payload,
      });
    }
  }
  return claimed;
}
