import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';
import { ROLLUP_DETAIL_KEY } from '../rollup-detail-backfill.js';

/**
 * The daily rollups keep the detail that SLA reports need (`sla.md`): the
 * day's inner down spans and a latency sketch, both compact bytes. Rollups
 * made before have none; `backfillRollupDetail` computes theirs from the raw
 * reports after the migration, one series per transaction (Kysely runs a
 * PostgreSQL migration in one transaction: not the place to rewrite a whole
 * table), and leaves null those whose raw reports retention dropped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = isPostgres(db) ? sql`bytea` : sql`blob`;
  await sql`alter table daily_rollups add column down_spans ${bytes}`.execute(db);
  await sql`alter table daily_rollups add column latencies ${bytes}`.execute(db);
  await sql`insert into settings (key, value) values (${ROLLUP_DETAIL_KEY}, 'pending')`.execute(db);
}
