import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const POSTGRES_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Another name when two benches share one PostgreSQL: each drops and creates its database.
const BENCH_DATABASE = process.env.BENCH_POSTGRES_DATABASE ?? 'fbstats_bench';
if (!/^[a-z_][a-z0-9_]*$/.test(BENCH_DATABASE))
  throw new Error(`BENCH_POSTGRES_DATABASE must be a plain name, not ${BENCH_DATABASE}`);

/** Where the bench keeps its SQLite file and the service's DATA_DIR; removed at the end of a run. */
export const BENCH_DATA_DIR = 'bench-data';

/** An empty store for one measurement, and how many bytes it holds on disk now. */
export interface FreshDatabase {
  url: string;
  bytes: () => Promise<number>;
}

/**
 * An empty store of `kind` (`sqlite`: a new file under `bench-data/`;
 * `postgres`: the database `fbstats_bench` or `BENCH_POSTGRES_DATABASE`, dropped and created again).
 * `bytes` counts the SQLite file with its WAL, or PostgreSQL's database
 * size after a `VACUUM ANALYZE` (so that dead rows are not counted).
 *
 * @example
 * const database = await freshDatabase('sqlite');
 * const store = await openStore({ databaseUrl: database.url, staleAfterMs: 180_000 });
 */
export async function freshDatabase(kind: string): Promise<FreshDatabase> {
  if (kind === 'sqlite') {
    rmSync(BENCH_DATA_DIR, { recursive: true, force: true });
    mkdirSync(BENCH_DATA_DIR, { recursive: true });
    const file = join(BENCH_DATA_DIR, 'bench.db');
    const size = (path: string): number => (existsSync(path) ? statSync(path).size : 0);
    return { url: `sqlite:${file}`, bytes: async () => size(file) + size(`${file}-wal`) };
  }
  if (kind !== 'postgres') throw new Error(`--store takes sqlite and postgres, not ${JSON.stringify(kind)}`);
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN);
  url.pathname = `/${BENCH_DATABASE}`;
  return {
    url: url.toString(),
    bytes: async () => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      await client.query('VACUUM ANALYZE');
      const { rows } = await client.query<{ size: string }>('select pg_database_size(current_database()) as size');
      await client.end();
      return Number(rows[0]?.size ?? 0);
    },
  };
}
