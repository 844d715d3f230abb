import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Alerts (spec/alerts.md): a workspace's channels and rules; the state of
 * each (rule, node, bucket) that is down, so that `node.up` follows only a
 * `node.down` and a hold-down survives a restart; the outbox of raised
 * events and their deliveries, one row per (event, channel), written in the
 * transaction that changed the state; and every try of a delivery.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const instant = 'bigint';
  const serial = isPostgres(db) ? 'bigserial' : 'integer';
  await db.schema
    .createTable('alert_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('disabled_at', instant)
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_channels_workspace').on('alert_channels').column('workspace_id').execute();

  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('bucket_ids', 'text', (c) => c.notNull())
    .addColumn('channel_ids', 'text', (c) => c.notNull())
    .addColumn('for_seconds', 'integer', (c) => c.notNull())
    .addColumn('uptime_below', 'double precision')
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_rules_workspace').on('alert_rules').column('workspace_id').execute();

  // A row while the (rule, node, bucket) is not ONLINE: `sent` once its node.down went out.
  await db.schema
    .createTable('alert_down_states')
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('bucket_id', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('since', instant, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('sent', 'smallint', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_down_states_pk', ['rule_id', 'bucket_id', 'node_id'])
    .execute();

  // uptime.below goes once per (rule, bucket, node, day); node_id '' is the whole bucket.
  await db.schema
    .createTable('alert_uptime_sent')
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('bucket_id', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_uptime_sent_pk', ['rule_id', 'bucket_id', 'node_id', 'day'])
    .execute();

  await db.schema
    .createTable('alert_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('alert_deliveries')
    .addColumn('seq', serial, (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    // Deliveries of one channel with one order key go out in `seq` order: the (bucket, node), or the event alone.
    .addColumn('order_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_at', instant, (c) => c.notNull())
    .addColumn('lease_until', instant, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addUniqueConstraint('alert_deliveries_event_channel', ['event_id', 'channel_id'])
    .execute();
  await db.schema.createIndex('alert_deliveries_pending').on('alert_deliveries').columns(['status', 'next_at']).execute();
  await db.schema
    .createIndex('alert_deliveries_order')
    .on('alert_deliveries')
    .columns(['channel_id', 'order_key', 'seq'])
    .execute();

  await db.schema
    .createTable('alert_attempts')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('attempted_at', instant, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_attempts_pk', ['event_id', 'channel_id', 'attempt'])
    .execute();
  await db.schema
    .createIndex('alert_attempts_workspace')
    .on('alert_attempts')
    .columns(['workspace_id', 'attempted_at'])
    .execute();

  // Reports that changed a node's status for a rule, stored by the ingest transaction that stored them, so that
  // a crash before the alert state follows loses nothing: looked at, then deleted, after the commit or at start.
  await db.schema
    .createTable('alert_observations')
    .addColumn('seq', serial, (c) => c.primaryKey())
    .addColumn('bucket_id', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('at', instant, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();

  // Work that one instance does for all (the sweep): whoever holds the lease.
  await db.schema
    .createTable('alert_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('until', instant, (c) => c.notNull())
    .execute();
}
