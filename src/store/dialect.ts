import { PostgresAdapter } from 'kysely';

export type StoreKind = 'sqlite' | 'postgres';

/** Whether a Kysely instance (or transaction) speaks to PostgreSQL (else: SQLite). */
export function isPostgres(db: { getExecutor(): { adapter: unknown } }): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
