import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * SQLite lists the rollups whose detail is behind their reports in
 * `rollup_detail_queue`, as PostgreSQL does since 009, instead of catching
 * each day up at every move of `reports_recent`: at a million series every
 * day in a move had one new report, and the catch-up was a quarter of the
 * writer's time. The writer now catches the listed days up once every few
 * minutes (`SqliteRollupDetails`). The days behind before this migration
 * are those whose reports wait in `reports_recent`: they are listed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return;
  await db.transaction().execute(async (trx) => {
    await sql`create table rollup_detail_queue (
      series_id bigint not null,
      day integer not null,
      constraint rollup_detail_queue_pk primary key (series_id, day)
    ) without rowid`.execute(trx);
    await sql`insert or ignore into rollup_detail_queue (series_id, day)
      select distinct series_id, at / 86400000 from reports_recent`.execute(trx);
  });
}
