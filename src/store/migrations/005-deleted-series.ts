import type { Kysely } from 'kysely';

/**
 * The series of deleted buckets whose reports and rollups are still being
 * deleted. A bucket is deleted in one short transaction (its row and its
 * series go, their ids are listed here), and its data after, in chunks of
 * their own (`DeletedSeriesPurge`), so that a bucket of a million reports
 * never holds the store's write lock for long; a process stopped half way
 * leaves the rest listed, and the next start finishes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deleted_series')
    .addColumn('series_id', 'bigint', (c) => c.primaryKey())
    .execute();
}
