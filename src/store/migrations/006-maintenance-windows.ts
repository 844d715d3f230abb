import type { Kysely } from 'kysely';

/**
 * Maintenance windows, one row per version (see `MaintenanceVersion`): a
 * change or a deletion closes the row in force (`in_force_until`) and a
 * change adds the next, so the past part of a window never changes. The
 * window's own fields (`created_at`, `created_by`, `imported`) ride on each
 * row: a bucket's versions are one indexed read, without a join. Rows go
 * with their bucket (the foreign key cascades inside the bucket's deletion).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const instant = 'bigint';
  await db.schema
    .createTable('maintenance_versions')
    .addColumn('window_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('bucket_id', 'text', (c) => c.notNull().references('buckets.id').onDelete('cascade'))
    .addColumn('in_force_from', instant, (c) => c.notNull())
    .addColumn('in_force_until', instant)
    // A JSON array of node ids; null: every node of the bucket.
    .addColumn('node_ids', 'text')
    .addColumn('start_at', instant, (c) => c.notNull())
    .addColumn('end_at', instant)
    .addColumn('rrule', 'text')
    .addColumn('duration_minutes', 'integer')
    .addColumn('until_at', instant)
    .addColumn('reason', 'text')
    .addColumn('created_at', instant, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('imported', 'smallint', (c) => c.notNull())
    .addPrimaryKeyConstraint('maintenance_versions_pk', ['window_id', 'version'])
    .execute();
  await db.schema
    .createIndex('maintenance_versions_bucket')
    .on('maintenance_versions')
    .columns(['bucket_id', 'window_id', 'version'])
    .execute();
}
