import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * On SQLite, live reports first land in `reports_recent`, a plain table
 * written in arrival order, and move into the clustered `reports` table in
 * (series, instant) order every few seconds (`SqliteWriteOps`). Written
 * straight into `reports`, every report of a live fleet lands on another
 * series' page, and a commit writes a whole page per report to the WAL;
 * moved in bulk, one page write carries a series' last few seconds.
 *
 * `all_reports` is what readers read: both tables on SQLite, `reports`
 * alone on PostgreSQL (whose heap is written in arrival order anyway).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`create view all_reports as select series_id, at, status, latency_ms from reports`.execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    await sql`create table reports_recent (
      series_id bigint not null,
      at bigint not null,
      status smallint not null,
      latency_ms double precision
    )`.execute(trx);
    await sql`create view all_reports as
      select series_id, at, status, latency_ms from reports
      union all
      select series_id, at, status, latency_ms from reports_recent`.execute(trx);
  });
}
