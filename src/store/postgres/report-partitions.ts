import { sql, type Kysely } from 'kysely';
import { DAY_MS } from '../../time/instant.js';
import type { Database } from '../database-schema.js';

// PostgreSQL error codes (SQLSTATE) that mean a day needs no partition made.
const COVERED = new Set([
  '42P17', // the day overlaps a partition already there (the reports stored before partitioning)
  '23514', // the default partition already holds reports of that day: they stay there
  '23505', // another instance made it at the same moment
  '42P07', // (the same, seen at the table's name)
]);

// Attaching a partition holds the default partition while it checks it, and
// dropping one holds `reports`: each waits at most this long for the
// queries running, and is tried again later.
const LOCK_TIMEOUT = '1s';
const RETRY_AFTER_MS = 60_000;

/** The name of a day's partition, `reports_2026_11_26`, or undefined for a year that is not four digits. */
export function partitionName(day: number): string | undefined {
  const date = new Date(day * DAY_MS).toISOString();
  return /^\d{4}-/.test(date) ? `reports_${date.slice(0, 10).replaceAll('-', '_')}` : undefined;
}

/**
 * The day partitions of `reports` on PostgreSQL (migration 003). Before a
 * group commit, each day it writes gets a partition of its own, and the
 * next day too, so that live reports find theirs already made at midnight.
 * A day that cannot get one (its reports already in the default
 * partition, an odd year, the table busy) is written to the default
 * partition: never an error for the reports themselves.
 *
 * @example
 * await partitions.ensure(new Set([dayOf(Date.now())]));
 */
export class ReportPartitions {
  /** Days with a partition of their own, or whose reports stay where they are. */
  private readonly settled = new Set<number>();
  private readonly retryAt = new Map<number, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: (message: string) => void,
  ) {}

  async ensure(days: ReadonlySet<number>): Promise<void> {
    for (const day of days) {
      await this.make(day);
      await this.make(day + 1);
    }
  }

  private async make(day: number): Promise<void> {
    if (this.settled.has(day) || (this.retryAt.get(day) ?? 0) > Date.now()) return;
    const name = partitionName(day);
    if (name === undefined) {
      this.settled.add(day);
      return;
    }
    try {
      const { rows } = await sql`select 1 from pg_inherits where inhrelid = to_regclass(${name})`.execute(this.db);
      if (rows.length === 0) {
        // Made apart, then attached: ATTACH locks `reports` only against other DDL, so that inserts and
        // reads go on (CREATE ... PARTITION OF would hold them all); it scans the default partition,
        // which it holds meanwhile, to check that no report of that day is there.
        await this.db.transaction().execute(async (trx) => {
          await sql`set local lock_timeout = ${sql.lit(LOCK_TIMEOUT)}`.execute(trx);
          await sql`create table ${sql.id(name)} (like reports)`.execute(trx);
          await sql`alter table reports attach partition ${sql.id(name)}
            for values from (${sql.lit(day * DAY_MS)}) to (${sql.lit((day + 1) * DAY_MS)})`.execute(trx);
        });
      }
      this.settled.add(day);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== undefined && COVERED.has(code)) {
        this.settled.add(day);
        return;
      }
      this.retryAt.set(day, Date.now() + RETRY_AFTER_MS);
      this.log(
        `could not make the report partition ${name} (reports of that day go to reports_default): ${(error as Error).message}`,
      );
    }
  }
}

interface Partition {
  name: string;
  /** e.g. FOR VALUES FROM ('1709683200000') TO ('1709769600000'), FROM (MINVALUE) TO (...), or DEFAULT */
  bound: string;
}

async function partitionsOf(db: Kysely<Database>): Promise<Partition[]> {
  const { rows } = await sql<Partition>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'reports'::regclass
    order by c.relname`.execute(db);
  return rows;
}

/**
 * Drops every partition of `reports` that ends at or before the first
 * kept day: a whole day of raw reports goes at once, without deleting row
 * by row. Answers the names of the partitions dropped. The default
 * partition, and the one holding reports stored before partitioning while
 * any of it is still kept, are left to row deletes.
 */
export async function dropPartitionsBefore(db: Kysely<Database>, firstKeptDay: number): Promise<string[]> {
  const dropped: string[] = [];
  for (const { name, bound } of await partitionsOf(db)) {
    const end = /TO \('?(-?\d+)'?\)/.exec(bound)?.[1];
    if (end === undefined || Number(end) > firstKeptDay * DAY_MS) continue;
    await db.transaction().execute(async (trx) => {
      await sql`set local lock_timeout = ${sql.lit(LOCK_TIMEOUT)}`.execute(trx);
      await sql`drop table ${sql.id(name)}`.execute(trx);
    });
    dropped.push(name);
  }
  return dropped;
}

/**
 * Whether reports dated before `before` are left once `dropPartitionsBefore`
 * ran: only the default partition and the one from before partitioning can
 * hold them, and each is looked at for one such row. Without any, retention
 * need not delete row by row (on a large store, one statement per series).
 */
export async function reportsLeftBefore(db: Kysely<Database>, before: number): Promise<boolean> {
  for (const { name, bound } of await partitionsOf(db)) {
    const start = /FROM \('?(-?\d+)'?\)/.exec(bound)?.[1];
    if (start !== undefined && Number(start) >= before) continue; // a day partition that is kept whole
    const { rows } = await sql<{ found: boolean }>`
      select exists (select 1 from ${sql.id(name)} where at < ${before}) as found`.execute(db);
    if (rows[0]?.found) return true;
  }
  return false;
}
