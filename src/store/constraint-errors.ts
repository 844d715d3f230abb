/**
 * Whether `error` is a foreign key violation on either store: a row that
 * names a parent row another transaction has just deleted (PostgreSQL's
 * SQLSTATE 23503, SQLite's extended code).
 *
 * @example
 * try { await insertBucket(); } catch (error) { if (isForeignKeyViolation(error)) return undefined; throw error; }
 */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
