import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

const DAY_MS = 86_400_000;

/**
 * On PostgreSQL, raw reports become a table partitioned by range of `at`,
 * one partition per UTC day (made as reports arrive, see
 * `ReportPartitions`), so that retention drops a whole day's table
 * instead of deleting its rows one by one, and each day's primary key
 * index stays small while it takes inserts.
 *
 * The reports already stored keep their table, attached as one partition
 * from the beginning of time to the end of the day of the latest one;
 * retention deletes its rows as before until all of it is old enough to be
 * dropped whole. A default partition takes any report whose day has no
 * partition of its own. SQLite keeps its clustered table and deletes in
 * batches.
 */
// Kysely's migrator runs each PostgreSQL migration in a transaction of its own.
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`alter table reports rename to reports_before_partitioning`.execute(db);
  await sql`alter table reports_before_partitioning rename constraint reports_pk to reports_before_partitioning_pk`.execute(db);
  await sql`create table reports (
    series_id bigint not null,
    at bigint not null,
    status smallint not null,
    latency_ms double precision,
    constraint reports_pk primary key (series_id, at)
  ) partition by range (at)`.execute(db);
  await sql`create table reports_default partition of reports default`.execute(db);
  const { rows } = await sql<{ last: string | null }>`select max(at) as last from reports_before_partitioning`.execute(db);
  const last = rows[0]?.last;
  if (last === null || last === undefined) {
    await sql`drop table reports_before_partitioning`.execute(db);
    return;
  }
  const end = (Math.floor(Number(last) / DAY_MS) + 1) * DAY_MS;
  await sql`alter table reports attach partition reports_before_partitioning
    for values from (minvalue) to (${sql.lit(end)})`.execute(db);
}
