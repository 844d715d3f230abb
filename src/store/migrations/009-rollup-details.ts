import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * The detail of a daily rollup (down spans and latency sketch, migration
 * 007) moves to a table of its own, `rollup_details`, so that a group
 * commit rewrites the small rollup row alone: on SQLite a row is rewritten
 * whole, and the detail's bytes made each append cost a quarter of the
 * ingest rate. A detail row says how far it goes (`through_at`, the last
 * report it holds, and `report_count`); the reports after it are read from
 * the raw log (`catchUpDetail`). Rollups without one are those made before
 * 007 (`backfillRollupDetail`) and, on SQLite, days whose reports still
 * waited in `reports_recent` (until migration 010 the writer brought them
 * up to date as it moved those); on PostgreSQL, days listed in
 * `rollup_detail_queue` by the commits that appended to them, caught up a
 * few seconds later by whichever instance takes them (`PostgresDetailCatchUp`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = isPostgres(db) ? sql`bytea` : sql`blob`;
  // On SQLite clustered by its key, as `daily_rollups` is (migration 002).
  const clustered = isPostgres(db) ? sql`` : sql` without rowid`;
  await sql`create table rollup_details (
    series_id bigint not null,
    day integer not null,
    through_at bigint not null,
    through_status smallint not null,
    report_count integer not null,
    down_spans ${bytes} not null,
    latencies ${bytes} not null,
    constraint rollup_details_pk primary key (series_id, day)
  )${clustered}`.execute(db);
  await sql`insert into rollup_details (series_id, day, through_at, through_status, report_count, down_spans, latencies)
    select series_id, day, last_at, last_status, report_count, down_spans, latencies from daily_rollups
    where down_spans is not null and latencies is not null`.execute(db);
  if (isPostgres(db)) {
    await sql`create table rollup_detail_queue (
      series_id bigint not null,
      day integer not null,
      constraint rollup_detail_queue_pk primary key (series_id, day)
    )`.execute(db);
  }
  await sql`alter table daily_rollups drop column down_spans`.execute(db);
  await sql`alter table daily_rollups drop column latencies`.execute(db);
}
