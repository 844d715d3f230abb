import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { randomUUID } from 'node:crypto';

const ROWS_PER_TRANSACTION = 100;

function rows(start: number): Array<[string, string, number, number, number]> {
  const node = randomUUID();
  return Array.from({ length: ROWS_PER_TRANSACTION }, (_, i) => [node, randomUUID(), start + i, 1, 12.5]);
}

/**
 * The ingest baseline: plain INSERTs of report-shaped rows into an
 * unindexed table, 100 rows (one multi-row statement) per transaction, one
 * process, with the store's own durability (SQLite WAL + synchronous=FULL;
 * PostgreSQL's default commit). Returns rows per second.
 */
export async function insertBaseline(kind: 'sqlite' | 'postgres', postgresUrl: string, seconds: number): Promise<number> {
  const values = Array.from({ length: ROWS_PER_TRANSACTION }, () => '(?, ?, ?, ?, ?)').join(', ');
  const deadline = Date.now() + seconds * 1000;
  let inserted = 0;
  const started = Date.now();
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'fbstats-baseline-'));
    const db = new Sqlite(join(dir, 'baseline.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table reports (node_id text, bucket_id text, at integer, status integer, latency_ms real)');
    const insert = db.prepare(`insert into reports values ${values}`);
    const write = db.transaction((batch: unknown[]) => insert.run(...batch));
    while (Date.now() < deadline) {
      write(rows(inserted).flat());
      inserted += ROWS_PER_TRANSACTION;
    }
    db.close();
    rmSync(dir, { recursive: true, force: true });
  } else {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query('drop table if exists baseline_reports');
    await client.query(
      'create table baseline_reports (node_id text, bucket_id text, at bigint, status smallint, latency_ms double precision)',
    );
    let n = 0;
    const text = `insert into baseline_reports values ${values.replace(/\?/g, () => `$${++n}`)}`;
    while (Date.now() < deadline) {
      await client.query('begin');
      await client.query({ name: 'baseline-insert', text, values: rows(inserted).flat() });
      await client.query('commit');
      inserted += ROWS_PER_TRANSACTION;
    }
    await client.query('drop table baseline_reports');
    await client.end();
  }
  return inserted / ((Date.now() - started) / 1000);
}
