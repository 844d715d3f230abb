import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { summarizeDay, type DaySummary } from '../src/stats/day-summary.js';
import type { NodeStatus, Report } from '../src/stats/node-status.js';
import { reportFromRow } from '../src/store/rollup-rows.js';
import { statusFromCode } from '../src/store/status-codes.js';
import { openServiceStore } from '../src/ingest/service-store.js';
import { dayOf } from '../src/time/instant.js';
import { generateNodeKeys, statusRequest, type NodeKeys } from './helpers/node-signer.js';
import {
  createNodeThroughApi,
  sendSigned,
  stageThroughApi,
  startService,
  killRunningServices,
  type ServiceProcess,
} from './helpers/service-process.js';
import { keptDetailsOffPrefix, rollupsAsRead } from './helpers/store-fixtures.js';
import { createTestDatabase, STORE_KINDS, type StoreKind, type TestDatabase } from './helpers/test-stores.js';

// Bridge nodes stream signed reports into the real service, which is
// killed with SIGKILL at a random moment, over and over on the same store.
// Afterwards the database itself must hold every acknowledged entry once,
// each request's entries all or none, and rollups equal to a recomputation.

const ROUNDS = 10;
const NODES = 5;
const BUCKETS = 3;
const STALE_AFTER_MS = 180_000;
const STATUSES: NodeStatus[] = ['ONLINE', 'ONLINE', 'ONLINE', 'OFFLINE', 'DISCONNECTED'];

// A small deterministic generator, so that a failing run's data can be replayed (not its timing).
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Entry {
  nodeId: string;
  bucketId: string;
  at: number;
  status: NodeStatus;
  latencyMs: number | null;
}

interface SentRequest {
  round: number;
  nodeId: string;
  timestamp: number;
  /** Entries never sent before (each belongs to this request only). */
  fresh: Entry[];
  /** Copies of entries of requests already acknowledged. */
  repeats: Entry[];
  /** `lost`: the answer never came (the process was killed first). */
  outcome: 'acknowledged' | 'lost';
}

const entryKey = (e: { nodeId: string; bucketId: string; at: number }): string => `${e.nodeId}/${e.bucketId}/${e.at}`;

/**
 * One node's source of entries, every createdAt distinct: in order, one to
 * ten minutes apart over the last days, a few late by up to hours; when the
 * cursor comes close to now it starts over a few milliseconds later, so that
 * a fast machine sends a second pass of late entries rather than run out.
 */
class EntrySource {
  private cursor: number;
  private lap = 0;
  private readonly origin: number;
  private readonly limit = Date.now() - 600_000;
  private readonly used = new Set<number>();
  /** Entries of this node's acknowledged requests, for repeats. */
  readonly acknowledged: Entry[] = [];
  lastTimestamp = 0;

  constructor(
    readonly nodeId: string,
    readonly keys: NodeKeys,
    private readonly bucketIds: string[],
    private readonly rand: () => number,
    start: number,
  ) {
    this.cursor = start;
    this.origin = start;
  }

  /** The next request's new entries, and repeats of acknowledged ones. */
  next(): { fresh: Entry[]; repeats: Entry[] } {
    const fresh: Entry[] = [];
    const count = 1 + Math.floor(this.rand() * 12);
    for (let i = 0; i < count; i++) {
      let at: number;
      const behind = Math.min(this.cursor - this.origin, 20 * 3_600_000);
      if (this.rand() < 0.1 && behind > 3_600_000) {
        // Late: measured up to hours ago, sent now, with an odd millisecond so it falls between the in-order ones.
        do at = this.cursor - Math.floor(this.rand() * behind) + 1 + Math.floor(this.rand() * 998);
        while (this.used.has(at) || at >= this.cursor);
      } else {
        do {
          this.cursor += 60_000 + Math.floor(this.rand() * 540) * 1000;
          if (this.cursor > this.limit) this.cursor = this.origin + ++this.lap * 37;
        } while (this.used.has(this.cursor));
        at = this.cursor;
      }
      this.used.add(at);
      const status = STATUSES[Math.floor(this.rand() * STATUSES.length)] as NodeStatus;
      const measured = status === 'ONLINE' ? this.rand() < 0.85 : this.rand() < 0.2;
      fresh.push({
        nodeId: this.nodeId,
        bucketId: this.bucketIds[Math.floor(this.rand() * this.bucketIds.length)] as string,
        at,
        status,
        latencyMs: measured ? Math.round(this.rand() * 50_000) / 100 : null,
      });
    }
    const repeats: Entry[] = [];
    if (this.acknowledged.length > 0 && this.rand() < 0.3) {
      const n = 1 + Math.floor(this.rand() * 3);
      for (let i = 0; i < n; i++) {
        const pick = this.acknowledged[Math.floor(this.rand() * this.acknowledged.length)] as Entry;
        if (!repeats.includes(pick)) repeats.push(pick);
      }
    }
    return { fresh, repeats };
  }

  nextTimestamp(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return this.lastTimestamp;
  }
}

interface RoundResult {
  requests: SentRequest[];
  /** Answers that were neither a 200 with the expected counts nor a lost connection. */
  problems: string[];
  killedAfterMs: number;
}

/**
 * Streams requests from every node until the service is killed, `killAfterMs`
 * after its first acknowledgment (so that a slow start on a busy machine
 * does not leave a round without any).
 */
async function streamUntilKilled(
  service: ServiceProcess,
  sources: EntrySource[],
  round: number,
  killAfterMs: number,
): Promise<RoundResult> {
  const requests: SentRequest[] = [];
  const problems: string[] = [];
  let killed = false;
  let firstAcknowledged!: () => void;
  const acknowledging = new Promise<void>((resolve) => (firstAcknowledged = resolve));
  let started = performance.now();
  const killer = acknowledging.then(async () => {
    started = performance.now();
    await delay(killAfterMs);
    killed = true;
    const exit = await service.kill();
    assert.equal(exit.signal, 'SIGKILL', `the service ended before it was killed: ${service.output().slice(-2000)}`);
  });
  const sender = async (source: EntrySource): Promise<void> => {
    while (!killed) {
      const { fresh, repeats } = source.next();
      const entries = [...fresh, ...repeats].sort(() => (Math.random() < 0.5 ? -1 : 1));
      const timestamp = source.nextTimestamp();
      const body = statusRequest(timestamp, entries);
      const request: SentRequest = { round, nodeId: source.nodeId, timestamp, fresh, repeats, outcome: 'lost' };
      requests.push(request);
      let answer;
      try {
        answer = await sendSigned(service.url, '/node/status', source.nodeId, source.keys, body);
      } catch {
        if (!killed) problems.push(`round ${round}: a request failed before the kill`);
        return; // the connection went with the process: the outcome stays unknown
      }
      if (answer.status !== 200) {
        problems.push(`round ${round}: ${answer.status} ${JSON.stringify(answer.body)}`);
        return;
      }
      const { accepted, duplicates, rejected } = answer.body as { accepted: number; duplicates: number; rejected: unknown[] };
      if (accepted !== fresh.length || duplicates !== repeats.length || rejected.length !== 0) {
        problems.push(
          `round ${round}: ${fresh.length} new and ${repeats.length} repeated entries answered ${JSON.stringify(answer.body)}`,
        );
      }
      request.outcome = 'acknowledged';
      firstAcknowledged();
      source.acknowledged.push(...fresh);
    }
  };
  await Promise.all(sources.map(sender));
  firstAcknowledged(); // senders that all gave up still end the round
  await killer;
  return { requests, problems, killedAfterMs: Math.round(performance.now() - started) };
}

interface StoredRow {
  series_id: number;
  node_id: string;
  bucket_id: string;
  at: number;
  status: number;
  latency_ms: number | null;
}

// The stores run side by side: most of a round is the service starting, and the two stores' starts overlap.
describe('acknowledged reports survive SIGKILL of the service', { concurrency: STORE_KINDS.length }, () => {
  const databases = new Map<StoreKind, TestDatabase>();
  before(async () => {
    for (const kind of STORE_KINDS) databases.set(kind, await createTestDatabase(kind));
  });
  after(async () => {
    await killRunningServices();
    for (const database of databases.values()) await database.drop();
  });

  for (const kind of STORE_KINDS) {
    it(`${kind}: ${ROUNDS} rounds of signed reports from concurrent nodes, each ended by SIGKILL at a random moment`, async () => {
      const database = databases.get(kind) as TestDatabase;
      const rand = random(kind === 'sqlite' ? 20_240_301 : 20_240_302);
      const env = { STALE_AFTER_SECONDS: String(STALE_AFTER_MS / 1000) };
      const began = performance.now();

      // The stage, through the HTTP API of the first round's service.
      let service = await startService({ databaseUrl: database.url, env });
      const stage = await stageThroughApi(service.url, `crash-${kind}`, BUCKETS);
      const start = Math.floor((Date.now() - 5 * 86_400_000) / 1000) * 1000;
      const sources: EntrySource[] = [];
      for (let i = 0; i < NODES; i++) {
        const keys = generateNodeKeys();
        const nodeId = await createNodeThroughApi(service.url, keys, `node-${i}.example`);
        sources.push(new EntrySource(nodeId, keys, stage.bucketIds, random(rand() * 2 ** 32), start));
      }

      // Round 1 streams into the service that made the stage; every later round starts its own.
      const requests: SentRequest[] = [];
      const killDelays: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        if (round > 1) service = await startService({ databaseUrl: database.url, env });
        const result = await streamUntilKilled(service, sources, round, Math.floor(rand() * 1_000));
        assert.deepEqual(result.problems, [], service.output().slice(-2000));
        requests.push(...result.requests);
        killDelays.push(result.killedAfterMs);
      }

      // One more start on the store as the kills left it: it must come up, and stop cleanly.
      service = await startService({ databaseUrl: database.url, env });
      assert.deepEqual(await service.stop(), { code: 0, signal: null }, service.output().slice(-2000));

      const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: STALE_AFTER_MS });
      try {
        const nodeIds = sources.map((s) => s.nodeId);
        const rows: StoredRow[] = await store.db
          .selectFrom('all_reports as r')
          .innerJoin('series as s', 's.id', 'r.series_id')
          .select(['r.series_id', 's.node_id', 's.bucket_id', 'r.at', 'r.status', 'r.latency_ms'])
          .where('s.node_id', 'in', nodeIds)
          .execute();
        const stored = new Map<string, StoredRow>();
        for (const row of rows) {
          const key = entryKey({ nodeId: row.node_id, bucketId: row.bucket_id, at: row.at });
          assert.ok(!stored.has(key), `stored twice: ${key}`);
          stored.set(key, row);
        }
        const assertStoredAsSent = (entry: Entry, why: string): void => {
          const row = stored.get(entryKey(entry));
          assert.ok(row, `${why} entry missing from the store: ${JSON.stringify(entry)}`);
          assert.deepEqual(
            { status: statusFromCode(row.status), latencyMs: row.latency_ms },
            { status: entry.status, latencyMs: entry.latencyMs },
            `${why} entry stored with other values: ${entryKey(entry)}`,
          );
        };

        // Every acknowledged entry is there, with what was sent.
        const acknowledged = requests.filter((r) => r.outcome === 'acknowledged');
        const lost = requests.filter((r) => r.outcome === 'lost');
        let acknowledgedNew = 0;
        let acknowledgedRepeats = 0;
        for (const request of acknowledged) {
          for (const entry of request.fresh) assertStoredAsSent(entry, `an acknowledged (round ${request.round})`);
          for (const entry of request.repeats) assertStoredAsSent(entry, `a repeated acknowledged (round ${request.round})`);
          acknowledgedNew += request.fresh.length;
          acknowledgedRepeats += request.repeats.length;
        }
        // A request whose answer was lost is stored whole or not at all.
        let lostStored = 0;
        let lostStoredEntries = 0;
        for (const request of lost) {
          const present = request.fresh.filter((e) => stored.has(entryKey(e)));
          assert.ok(
            present.length === 0 || present.length === request.fresh.length,
            `round ${request.round}: a request of node ${request.nodeId} (timestamp ${request.timestamp}) was stored in part: ` +
              `${present.length} of ${request.fresh.length} entries`,
          );
          for (const entry of present) assertStoredAsSent(entry, `a lost-answer (round ${request.round})`);
          if (present.length > 0) {
            lostStored++;
            lostStoredEntries += present.length;
          }
        }
        // Nothing else is stored.
        assert.equal(
          rows.length,
          acknowledgedNew + lostStoredEntries,
          'stored = acknowledged new entries + lost-answer requests stored whole',
        );

        // The replay guard of each node is at least its last acknowledged timestamp, and never beyond what was sent.
        const guards = await store.db.selectFrom('nodes').select(['id', 'last_timestamp']).where('id', 'in', nodeIds).execute();
        for (const { id, last_timestamp: last } of guards) {
          const mine = requests.filter((r) => r.nodeId === id);
          const lastAcknowledged = Math.max(0, ...mine.filter((r) => r.outcome === 'acknowledged').map((r) => r.timestamp));
          assert.ok(last !== null && last >= lastAcknowledged, `node ${id}: replay guard ${last} < ${lastAcknowledged}`);
          assert.ok(last <= Math.max(...mine.map((r) => r.timestamp)), `node ${id}: replay guard ${last} beyond what was sent`);
        }

        // Every rollup row equals summarizeDay over the raw reports of its series and day, and no other row exists.
        const bySeriesDay = new Map<string, { seriesId: number; day: number; reports: Report[] }>();
        const firstAt = new Map<number, number>();
        for (const row of rows) {
          const day = dayOf(row.at);
          const key = `${row.series_id}/${day}`;
          const group = bySeriesDay.get(key) ?? { seriesId: row.series_id, day, reports: [] };
          group.reports.push(reportFromRow(row));
          bySeriesDay.set(key, group);
          firstAt.set(row.series_id, Math.min(firstAt.get(row.series_id) ?? Infinity, row.at));
        }
        const seriesIds = [...firstAt.keys()];
        const rollups = await store.db.selectFrom('daily_rollups').selectAll().where('series_id', 'in', seriesIds).execute();
        assert.equal(rollups.length, bySeriesDay.size, 'one rollup row per (series, day) with reports');
        // With the detail as readers see it: kept as far as the last move of reports_recent (SQLite), the rest from the raw log.
        const asRead = await rollupsAsRead(store);
        for (const rollup of rollups) {
          const group = bySeriesDay.get(`${rollup.series_id}/${rollup.day}`);
          assert.ok(group, `a rollup row without reports: series ${rollup.series_id}, day ${rollup.day}`);
          const expected = summarizeDay(group.reports, STALE_AFTER_MS) as DaySummary;
          assert.deepEqual(
            asRead.get(`${rollup.series_id}/${rollup.day}`),
            expected,
            `rollup of series ${rollup.series_id}, day ${rollup.day}`,
          );
        }
        // However far behind, each kept detail is that of its day's first reports (readers build on it).
        assert.deepEqual(await keptDetailsOffPrefix(store, STALE_AFTER_MS), []);
        const series = await store.db.selectFrom('series').select(['id', 'first_at']).where('id', 'in', seriesIds).execute();
        for (const s of series) assert.equal(s.first_at, firstAt.get(s.id), `series ${s.id} starts at its earliest report`);

        const seconds = ((performance.now() - began) / 1000).toFixed(1);
        console.log(
          `[${kind}] crash durability: ${ROUNDS} rounds, ${killDelays.length} SIGKILLs survived (${killDelays.join('/')} ms after the first acknowledgment); ` +
            `${requests.length} requests: ${acknowledged.length} acknowledged (${acknowledgedNew} new entries, ${acknowledgedRepeats} repeats), ` +
            `${lost.length} answers lost (${lostStored} of them stored whole, ${lostStoredEntries} entries); ` +
            `${rows.length} stored entries verified, ${rollups.length} rollup rows equal to recomputation; ${seconds} s`,
        );
        assert.ok(acknowledgedNew > 0, 'some entries were acknowledged');
        assert.ok(acknowledgedRepeats > 0, 'some repeats were acknowledged');
      } finally {
        await store.close();
      }
    });
  }
});
