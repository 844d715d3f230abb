import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import SqliteDriver from 'better-sqlite3';
import { summarizeDay, type DaySummary } from '../src/stats/day-summary.js';
import type { Report } from '../src/stats/node-status.js';
import { backupSqliteFile } from '../src/store/sqlite/sqlite-backup.js';
import { reportFromRow } from '../src/store/rollup-rows.js';
import { statusFromCode } from '../src/store/status-codes.js';
import { openServiceStore } from '../src/ingest/service-store.js';
import { DAY_MS, dayOf } from '../src/time/instant.js';
import { runCli } from './fixtures/cli/cli-harness.js';
import { generateNodeKeys, statusRequest, type NodeKeys, type StatusEntry } from './helpers/node-signer.js';
import {
  createNodeThroughApi,
  expectJson,
  killRunningServices,
  sendSigned,
  stageThroughApi,
  startService,
  type ServiceStage,
} from './helpers/service-process.js';
import { rollupsAsRead } from './helpers/store-fixtures.js';
import { createTestDatabase, STORE_KINDS, type StoreKind, type TestDatabase } from './helpers/test-stores.js';

const STALE_AFTER_MS = 180_000;
const run = promisify(execFile);

interface SentEntry extends StatusEntry {
  nodeId: string;
}

const keyOf = (e: { nodeId: string; bucketId: string; at: number }): string => `${e.nodeId}/${e.bucketId}/${e.at}`;

/**
 * Bridge nodes sending signed `/node/status` requests back to back, each
 * entry new, until stopped; what they sent and when each request was
 * acknowledged (a 200 that counted every entry).
 */
class LiveIngest {
  readonly sent = new Map<string, SentEntry>();
  readonly acknowledged: Array<{ at: number; entries: SentEntry[] }> = [];
  readonly problems: string[] = [];
  private stopped = false;
  private readonly senders: Promise<void>[];

  constructor(url: string, nodes: Array<{ id: string; keys: NodeKeys }>, bucketIds: string[]) {
    this.senders = nodes.map((node, n) => this.send(url, node, bucketIds, Date.now() - 2 * DAY_MS + n * 1_000));
  }

  private async send(url: string, node: { id: string; keys: NodeKeys }, bucketIds: string[], start: number): Promise<void> {
    let cursor = start;
    let timestamp = 0;
    for (let request = 0; !this.stopped; request++) {
      const entries: SentEntry[] = [];
      for (let i = 0; i < 4; i++) {
        cursor += 30_000;
        const online = (request + i) % 5 !== 0;
        entries.push({
          nodeId: node.id,
          bucketId: bucketIds[(request + i) % bucketIds.length] as string,
          at: cursor,
          status: online ? 'ONLINE' : 'OFFLINE',
          latencyMs: online ? 10 + ((request * 7 + i) % 90) : null,
        });
      }
      for (const entry of entries) this.sent.set(keyOf(entry), entry);
      timestamp = Math.max(Date.now(), timestamp + 1);
      const answer = await sendSigned(url, '/node/status', node.id, node.keys, statusRequest(timestamp, entries));
      if (answer.status !== 200 || answer.body.accepted !== entries.length) {
        this.problems.push(`${answer.status} ${JSON.stringify(answer.body)}`);
        return;
      }
      this.acknowledged.push({ at: Date.now(), entries });
    }
  }

  /** Resolves once `count` requests have been acknowledged. */
  async untilAcknowledged(count: number): Promise<void> {
    while (this.acknowledged.length < count) {
      assert.deepEqual(this.problems, []);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Every entry of a request acknowledged so far. */
  acknowledgedEntries(): SentEntry[] {
    return this.acknowledged.flatMap((request) => request.entries);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.senders);
    assert.deepEqual(this.problems, []);
  }
}

type DayAnswers = Record<string, unknown>;

/** The stats answers of `bucketId` for each of `days`, as its member sees them. */
async function answersOf(url: string, token: string, bucketId: string, days: string[]): Promise<DayAnswers> {
  const answers: DayAnswers = {};
  for (const day of days) answers[day] = await expectJson(200, url, 'POST', `/bucket/${bucketId}/stats`, { day }, token);
  return answers;
}

/**
 * Reads the restored store's reports on `bucketIds`, and asserts that it holds
 * every entry acknowledged before the backup (as sent), nothing that was
 * never sent, and daily rollups equal to a recomputation from its reports.
 */
async function assertRestored(databaseUrl: string, bucketIds: string[], before: SentEntry[], sent: Map<string, SentEntry>) {
  const store = await openServiceStore({ databaseUrl, staleAfterMs: STALE_AFTER_MS });
  try {
    const rows = await store.db
      .selectFrom('all_reports as r')
      .innerJoin('series as s', 's.id', 'r.series_id')
      .select(['r.series_id', 's.node_id', 's.bucket_id', 'r.at', 'r.status', 'r.latency_ms'])
      .where('s.bucket_id', 'in', bucketIds)
      .execute();
    const stored = new Map(rows.map((row) => [keyOf({ nodeId: row.node_id, bucketId: row.bucket_id, at: row.at }), row]));
    for (const entry of before) {
      const row = stored.get(keyOf(entry));
      assert.ok(row, `acknowledged before the backup, missing from the copy: ${JSON.stringify(entry)}`);
      assert.deepEqual([statusFromCode(row.status), row.latency_ms], [entry.status, entry.latencyMs]);
    }
    for (const key of stored.keys()) assert.ok(sent.has(key), `the copy holds a report nobody sent: ${key}`);

    const days = new Map<string, { seriesId: number; day: number; reports: Report[] }>();
    for (const row of rows) {
      const day = dayOf(row.at);
      const group = days.get(`${row.series_id}/${day}`) ?? { seriesId: row.series_id, day, reports: [] };
      group.reports.push(reportFromRow(row));
      days.set(`${row.series_id}/${day}`, group);
    }
    const seriesIds = [...new Set(rows.map((row) => row.series_id))];
    const rollups = await store.db.selectFrom('daily_rollups').selectAll().where('series_id', 'in', seriesIds).execute();
    assert.equal(rollups.length, days.size);
    const asRead = await rollupsAsRead(store);
    for (const rollup of rollups) {
      const group = days.get(`${rollup.series_id}/${rollup.day}`);
      assert.ok(group, `a rollup without reports: series ${rollup.series_id}, day ${rollup.day}`);
      assert.deepEqual(
        asRead.get(`${rollup.series_id}/${rollup.day}`),
        summarizeDay(group.reports, STALE_AFTER_MS) as DaySummary,
      );
    }
    return rows.length;
  } finally {
    await store.close();
  }
}

/** How each store is copied while it runs, and brought back. */
interface BackupProcedure {
  /** The store the source service runs on. */
  source(): Promise<TestDatabase>;
  /** Copies the running store; answers where the copy can be served from. */
  backup(source: TestDatabase, ingest: LiveIngest): Promise<TestDatabase>;
}

const scratch = mkdtempSync(join(tmpdir(), 'fbstats-backup-'));

const procedures: Record<StoreKind, BackupProcedure> = {
  sqlite: {
    source: async () => {
      // Where the service keeps its store by default, so that `fbstats backup` finds it from DATA_DIR alone.
      const dataDir = mkdtempSync(join(scratch, 'data-'));
      return { url: `sqlite:${join(dataDir, 'flashback.db')}`, drop: async () => rmSync(dataDir, { recursive: true }) };
    },
    backup: async (source, ingest) => {
      const dataDir = source.url.slice('sqlite:'.length, -'/flashback.db'.length);
      const copy = join(mkdtempSync(join(scratch, 'copy-')), 'flashback.db');
      const cli = await runCli(['backup', '--out', copy], { env: { DATA_DIR: dataDir } });
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /^backed up .*flashback\.db to .*: \d+ pages \([\d.]+ MiB\) in [\d.]+ s\n$/);

      // The copy is read in steps from one snapshot: however small the steps, commits in between never restart it.
      for (let attempt = 1; ; attempt++) {
        const ackedBefore = ingest.acknowledged.length;
        const small = await backupSqliteFile(source.url.slice('sqlite:'.length), `${copy}.small-steps`, { pagesPerStep: 2 });
        const ackedDuring = ingest.acknowledged.length - ackedBefore;
        assert.ok(small.steps > 10, `${small.steps} steps`);
        assert.equal(small.restarts, 0);
        if (ackedDuring > 0 || attempt === 5) {
          assert.ok(ackedDuring > 0, 'no report was acknowledged during five copies in small steps');
          console.log(
            `[sqlite] a copy in ${small.steps} steps of 2 pages, ${ackedDuring} requests acknowledged meanwhile, 0 restarts`,
          );
          break;
        }
      }
      const check = new SqliteDriver(`${copy}.small-steps`, { readonly: true });
      assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
      check.close();

      const copied = new SqliteDriver(copy, { readonly: true });
      assert.equal(copied.pragma('integrity_check', { simple: true }), 'ok');
      copied.close();
      return { url: `sqlite:${copy}`, drop: async () => undefined };
    },
  },
  postgres: {
    source: () => createTestDatabase('postgres'),
    backup: async (source) => {
      const dump = join(scratch, 'flashback.dump');
      await run('pg_dump', ['-Fc', '-f', dump, source.url]);
      const restored = await createTestDatabase('postgres');
      await run('pg_restore', ['--no-owner', '--exit-on-error', '-d', restored.url, dump]);
      return restored;
    },
  },
};

describe('backup while the service ingests, restored', { concurrency: 1 }, () => {
  after(async () => {
    await killRunningServices();
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const kind of STORE_KINDS) {
    it(`${kind}: the copy answers every report acknowledged before the backup began`, async () => {
      const procedure = procedures[kind];
      const database = await procedure.source();
      const env = { STALE_AFTER_SECONDS: String(STALE_AFTER_MS / 1000) };
      let restored: TestDatabase | undefined;
      try {
        const source = await startService({ databaseUrl: database.url, env });
        const stage: ServiceStage = await stageThroughApi(source.url, `backup-${kind}`, 3);
        const [frozen, ...live] = stage.bucketIds as [string, ...string[]];
        const nodes: Array<{ id: string; keys: NodeKeys }> = [];
        for (let i = 0; i < 3; i++) {
          const keys = generateNodeKeys();
          nodes.push({ id: await createNodeThroughApi(source.url, keys, `node-${i}.example`), keys });
        }

        // History that no longer changes: its answers must come back exactly.
        const today = Math.floor(Date.now() / DAY_MS);
        const days = [today - 4, today - 3].map((day) => new Date(day * DAY_MS).toISOString().slice(0, 10));
        const history = nodes.flatMap((node, n) =>
          Array.from({ length: 300 }, (_, i) => ({
            nodeId: node.id,
            bucketId: frozen,
            at: new Date((today - 4) * DAY_MS + i * 600_000 + n * 1_000).toISOString(),
            status: (i + n) % 7 === 0 ? 'OFFLINE' : 'ONLINE',
            latencyMs: (i + n) % 7 === 0 ? null : 20 + ((i * 13 + n) % 60),
          })),
        );
        await expectJson(200, source.url, 'POST', '/admin/reports', { reports: history });
        const frozenAnswers = await answersOf(source.url, stage.token, frozen, days);

        const ingest = new LiveIngest(source.url, nodes, live);
        await ingest.untilAcknowledged(40);
        const before = ingest.acknowledgedEntries();
        const started = ingest.acknowledged.length;
        restored = await procedure.backup(database, ingest);
        const during = ingest.acknowledged.length - started;
        await ingest.untilAcknowledged(ingest.acknowledged.length + 10);
        await ingest.stop();
        assert.ok(during > 0, 'nothing was acknowledged while the backup ran');
        assert.deepEqual(await source.stop(), { code: 0, signal: null }, source.output().slice(-2000));

        const served = await startService({ databaseUrl: restored.url, env });
        assert.deepEqual(await answersOf(served.url, stage.token, frozen, days), frozenAnswers);
        for (const bucketId of live) await answersOf(served.url, stage.token, bucketId, days);
        assert.deepEqual(await served.stop(), { code: 0, signal: null }, served.output().slice(-2000));

        const stored = await assertRestored(restored.url, live, before, ingest.sent);
        console.log(
          `[${kind}] backup under ingest: ${before.length} entries acknowledged before it began, ${during} requests ` +
            `acknowledged while it ran, ${ingest.sent.size} entries sent in all; the copy holds ${stored} of them, ` +
            `and answers ${days.length} closed days of history exactly as the source did`,
        );
      } finally {
        await restored?.drop();
        await database.drop();
      }
    });
  }
});

describe('fbstats backup refuses what it cannot copy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fbstats-backup-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('points PostgreSQL to pg_dump, and does not replace a file without --force', async () => {
    const postgres = await runCli(['backup', '--out', join(dir, 'x.db')], {
      env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' },
    });
    assert.deepEqual([postgres.code, postgres.stdout], [1, '']);
    assert.match(postgres.stderr, /^error: the store is PostgreSQL: back it up with pg_dump -Fc/);

    const missing = await runCli(['backup', '--out', join(dir, 'x.db'), '--database', `sqlite:${join(dir, 'none.db')}`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /there is no SQLite store at /);

    const store = await openServiceStore({ databaseUrl: `sqlite:${join(dir, 'flashback.db')}`, staleAfterMs: STALE_AFTER_MS });
    await store.close();
    writeFileSync(join(dir, 'taken.db'), 'keep me');
    const taken = await runCli(['backup', '--out', join(dir, 'taken.db')], { env: { DATA_DIR: dir } });
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /taken\.db exists; pass --force/);
    const forced = await runCli(['backup', '--out', join(dir, 'taken.db'), '--force', '--json'], { env: { DATA_DIR: dir } });
    assert.equal(forced.code, 0, forced.stderr);
    const summary = JSON.parse(forced.stdout) as { pages: number; bytes: number };
    assert.ok(summary.pages > 0 && summary.bytes === summary.pages * 4096);
  });
});
