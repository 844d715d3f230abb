import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../database-schema.js';

const INT8_OID = 20;

// Instants are bigint columns; as epoch milliseconds they stay far below
// 2^53, so they are read as plain numbers rather than pg's default strings.
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) =>
    oid === INT8_OID ? (value: string) => Number(value) : (pg.types.getTypeParser(oid, format) as (value: string) => unknown),
};

/**
 * Opens a PostgreSQL store through a connection pool.
 *
 * @example
 * const db = openPostgresDatabase('postgres://postgres@127.0.0.1:5432/test');
 */
export function openPostgresDatabase(
  connectionString: string,
  log: (message: string) => void = () => undefined,
  maxConnections = 10,
): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max: maxConnections, types });
  // An idle connection that the server closes (a restart, a failover, an
  // administrator) is an 'error' on the pool: without a listener it would
  // end the process. The pool drops it and opens another when needed.
  pool.on('error', (error) => log(`PostgreSQL closed an idle connection: ${error.message}`));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
