import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * On SQLite, reports and rollups become WITHOUT ROWID tables: stored in
 * their primary key's order (series, instant) instead of as a rowid table
 * plus a separate index on that key. Each report is then written into one
 * B-tree instead of two, which is most of the cost of ingest, and takes
 * about half the space. Series ids become AUTOINCREMENT: the writer keeps
 * ids in memory, and an id freed by a deleted bucket must never name
 * another series. PostgreSQL keeps its heap and primary key index, and its
 * sequence never gives an id twice.
 *
 * One transaction for the whole rewrite: Kysely's migrator runs SQLite
 * migrations without one, and a process stopped half way must leave the
 * old tables, not a store that cannot start.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return;
  await db.transaction().execute(async (trx) => {
    await sql`create table series_ids (
      id integer primary key autoincrement,
      node_id text not null references nodes (id),
      bucket_id text not null,
      first_at bigint not null,
      constraint series_bucket_node unique (bucket_id, node_id)
    )`.execute(trx);
    await sql`insert into series_ids (id, node_id, bucket_id, first_at) select id, node_id, bucket_id, first_at from series`.execute(
      trx,
    );
    await sql`drop table series`.execute(trx);
    await sql`alter table series_ids rename to series`.execute(trx);

    await sql`create table reports_clustered (
      series_id bigint not null,
      at bigint not null,
      status smallint not null,
      latency_ms double precision,
      constraint reports_pk primary key (series_id, at)
    ) without rowid`.execute(trx);
    await sql`insert into reports_clustered select series_id, at, status, latency_ms from reports`.execute(trx);
    await sql`drop table reports`.execute(trx);
    await sql`alter table reports_clustered rename to reports`.execute(trx);

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
    ) without rowid`.execute(trx);
    await sql`insert into daily_rollups_clustered select series_id, day, first_at, last_at, last_status, last_latency_ms,
      inner_online_ms, latency_sum, latency_count, report_count from daily_rollups`.execute(trx);
    await sql`drop table daily_rollups`.execute(trx);
    await sql`alter table daily_rollups_clustered rename to daily_rollups`.execute(trx);
  });
}
