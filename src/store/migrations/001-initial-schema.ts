import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const instant = 'bigint';
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('expires_at', instant)
    .addColumn('last_used_at', instant)
    .addColumn('revoked_at', instant)
    .execute();
  await db.schema.createIndex('tokens_user_id').on('tokens').column('user_id').execute();

  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('workspace_members')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('workspace_members_pk', ['workspace_id', 'user_id'])
    .execute();
  await db.schema.createIndex('workspace_members_user_id').on('workspace_members').column('user_id').execute();

  await db.schema
    .createTable('buckets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('storage_type', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text')
    .addColumn('endpoint', 'text')
    .addColumn('region', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('buckets_workspace_id').on('buckets').column('workspace_id').execute();

  await db.schema
    .createTable('nodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('last_timestamp', instant)
    .execute();

  await db.schema
    .createTable('node_registrations')
    .addColumn('node_id', 'text', (c) => c.notNull().references('nodes.id'))
    .addColumn('at', instant, (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('host', 'text')
    .addColumn('region', 'text')
    .addColumn('provider', 'text')
    .addColumn('version', 'text')
    .addPrimaryKeyConstraint('node_registrations_pk', ['node_id', 'at'])
    .execute();

  await db.schema
    .createTable('series')
    .addColumn('id', isPostgres(db) ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('node_id', 'text', (c) => c.notNull().references('nodes.id'))
    .addColumn('bucket_id', 'text', (c) => c.notNull())
    .addColumn('first_at', instant, (c) => c.notNull())
    .addUniqueConstraint('series_bucket_node', ['bucket_id', 'node_id'])
    .execute();

  await db.schema
    .createTable('reports')
    .addColumn('series_id', 'bigint', (c) => c.notNull())
    .addColumn('at', instant, (c) => c.notNull())
    .addColumn('status', 'smallint', (c) => c.notNull())
    .addColumn('latency_ms', 'double precision')
    .addPrimaryKeyConstraint('reports_pk', ['series_id', 'at'])
    .execute();

  await db.schema
    .createTable('daily_rollups')
    .addColumn('series_id', 'bigint', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('first_at', instant, (c) => c.notNull())
    .addColumn('last_at', instant, (c) => c.notNull())
    .addColumn('last_status', 'smallint', (c) => c.notNull())
    .addColumn('last_latency_ms', 'double precision')
    .addColumn('inner_online_ms', 'bigint', (c) => c.notNull())
    .addColumn('latency_sum', 'double precision', (c) => c.notNull())
    .addColumn('latency_count', 'integer', (c) => c.notNull())
    .addColumn('report_count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_rollups_pk', ['series_id', 'day'])
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
