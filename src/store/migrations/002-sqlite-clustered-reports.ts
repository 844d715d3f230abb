import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * On SQLite, reports and rollups become WITHOUT ROWID tables: stored in
 * their primary key's order (series, instant) instead of as a rowid table
 * plus a separate index on that key. Each report is then written into one
 * B-tree instead of two, which is most of the cost of ingest, and takes
 * about half the space. PostgreSQL keeps its heap and primary key index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return;
  await sql`create table reports_clustered (
    series_id bigint not null,
    at bigint not null,
    status smallint not null,
    latency_ms double precision,
    constraint reports_pk primary key (series_id, at)
  ) without rowid`.execute(db);
  await sql`insert into reports_clustered select series_id, at, status, latency_ms from reports`.execute(db);
  await sql`drop table reports`.execute(db);
  await sql`alter table reports_clustered rename to reports`.execute(db);

  await sql`create table daily_rollups_clustered (
    series_id bigint not null,
    day integer not null,
    first_at bigint not null,
    last_at bigint not null,
    last_status smallint not null,
    last_latency_ms double precision,
    inner_online_ms bigint not null,
    latency_sum double precision not null,
    latency_count integer not null,
    report_count integer not null,
    constraint daily_rollups_pk primary key (series_id, day)
  ) without rowid`.execute(db);
  await sql`insert into daily_rollups_clustered select series_id, day, first_at, last_at, last_status, last_latency_ms,
    inner_online_ms, latency_sum, latency_count, report_count from daily_rollups`.execute(db);
  await sql`drop table daily_rollups`.execute(db);
  await sql`alter table daily_rollups_clustered rename to daily_rollups`.execute(db);
}
