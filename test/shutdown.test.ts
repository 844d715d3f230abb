import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { summarizeDay, type DaySummary } from '../src/stats/day-summary.js';
import { reportFromRow } from '../src/store/rollup-rows.js';
import { openServiceStore } from '../src/ingest/service-store.js';
import { DAY_MS, dayOf, formatInstant } from '../src/time/instant.js';
import { generateNodeKeys, signBody, statusRequest, type NodeKeys, type StatusEntry } from './helpers/node-signer.js';
import {
  createNodeThroughApi,
  expectJson,
  sendSigned,
  stageThroughApi,
  startService,
  killRunningServices,
  type ServiceProcess,
  type ServiceStage,
} from './helpers/service-process.js';
import { rollupsAsRead } from './helpers/store-fixtures.js';
import { OPERATOR_TOKEN } from './helpers/test-app.js';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from './helpers/test-stores.js';

// SIGTERM while requests are in flight: they finish with 200, the listening
// socket is gone at once (new connections are refused), what was
// acknowledged is stored, and the process exits 0 within a few seconds.

const STALE_AFTER_MS = 180_000;

interface HeldRequest {
  label: string;
  /** Settles once the service has read the headers and taken the request in (its `100 Continue`). */
  taken: Promise<void>;
  /** Sends the body. */
  release(): void;
  answer: Promise<{ status: number; body: Record<string, unknown> }>;
}

/**
 * A POST that the service has taken in but cannot finish yet: its headers
 * carry `Expect: 100-continue`, so Node's HTTP server answers `100 Continue`
 * as it hands the request to the app, and the body waits for `release()`.
 */
function holdRequest(
  url: string,
  label: string,
  path: string,
  headers: Record<string, string>,
  body: string,
  agent: Agent | false,
): HeldRequest {
  let release!: () => void;
  let taken!: Promise<void>;
  const answer = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, {
      method: 'POST',
      agent,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        expect: '100-continue',
      },
    });
    taken = new Promise<void>((resolveTaken, rejectTaken) => {
      req.once('continue', () => resolveTaken());
      req.once('error', rejectTaken);
    });
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => void (text += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      res.once('error', reject);
    });
    req.flushHeaders();
    release = () => req.end(body);
  });
  return { label, taken, release, answer };
}

/** Whether a new TCP connection to `port` is refused right now. */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

const statusBody = (timestamp: number, entries: StatusEntry[]): string => JSON.stringify(statusRequest(timestamp, entries));

for (const kind of STORE_KINDS) {
  describe(`SIGTERM with requests in flight (${kind})`, () => {
    let database: TestDatabase;
    let service: ServiceProcess;
    let stage: ServiceStage;
    const nodes: Array<{ id: string; keys: NodeKeys }> = [];

    before(async () => {
      database = await createTestDatabase(kind);
      service = await startService({ databaseUrl: database.url, env: { STALE_AFTER_SECONDS: String(STALE_AFTER_MS / 1000) } });
      stage = await stageThroughApi(service.url, `shutdown-${kind}`, 2);
      for (let i = 0; i < 4; i++) {
        const keys = generateNodeKeys();
        nodes.push({ id: await createNodeThroughApi(service.url, keys, `node-${i}.example`), keys });
      }
    });
    after(async () => {
      await killRunningServices();
      await database.drop();
    });

    it('finishes the requests in flight with 200, refuses new connections, keeps what it acknowledged, and exits 0', async () => {
      // Whole seconds, so that the milliseconds below keep each kind of report apart.
      const now = Math.floor(Date.now() / 1000) * 1000;
      const today = dayOf(now);
      // Some history, so that the stats calls have days of rollups to read.
      const history = [];
      for (const [n, node] of nodes.entries()) {
        for (let at = (today - 3) * DAY_MS + n * 1000; at < now - 3_600_000; at += 600_000) {
          history.push({
            nodeId: node.id,
            bucketId: stage.bucketIds[Math.floor(at / 600_000) % 2] as string,
            at: formatInstant(at),
            status: Math.floor(at / 600_000) % 9 === 0 ? 'OFFLINE' : 'ONLINE',
            latencyMs: 20 + (at % 70),
          });
        }
      }
      for (let i = 0; i < history.length; i += 5_000) {
        await expectJson(200, service.url, 'POST', '/admin/reports', { reports: history.slice(i, i + 5_000) });
      }

      // In flight when the signal comes: stats calls of several days, signed status reports, an admin import;
      // some on connections the client would keep open for more (keep-alive), as browsers and agents do.
      const keepAlive = new Agent({ keepAlive: true });
      const earlier = await new Promise<number>((resolve, reject) =>
        httpRequest(`${service.url}/healthz`, { agent: keepAlive }, (res) =>
          res.resume().once('end', () => resolve(res.statusCode ?? 0)),
        )
          .once('error', reject)
          .end(),
      );
      assert.equal(earlier, 200, 'a connection left idle in the keep-alive pool');
      const held: HeldRequest[] = [];
      for (const day of [today - 3, today - 2, today - 1, today]) {
        for (const bucketId of stage.bucketIds) {
          held.push(
            holdRequest(
              service.url,
              `stats ${bucketId} day ${day - today}`,
              `/bucket/${bucketId}/stats`,
              { authorization: `Bearer ${stage.token}` },
              JSON.stringify({ day: formatInstant(day * DAY_MS) }),
              day % 2 === 0 ? keepAlive : false,
            ),
          );
        }
      }
      const sent = new Map<string, StatusEntry[]>();
      for (const [n, node] of nodes.entries()) {
        const entries: StatusEntry[] = [];
        for (let i = 0; i < 50; i++) {
          entries.push({
            bucketId: stage.bucketIds[i % 2] as string,
            at: now - 3_000_000 + i * 60_000 + 100 + n,
            status: i % 10 === 3 ? 'OFFLINE' : 'ONLINE',
            latencyMs: i % 10 === 3 ? null : 10 + i,
          });
        }
        const body = statusBody(Date.now(), entries);
        const label = `status of node ${n}`;
        sent.set(label, entries);
        held.push(
          holdRequest(
            service.url,
            label,
            '/node/status',
            { 'x-node-id': node.id, 'x-signature': signBody(body, node.keys.privateKey) },
            body,
            n % 2 === 0 ? keepAlive : false,
          ),
        );
      }
      const imported = Array.from({ length: 2_000 }, (_, i) => ({
        nodeId: nodes[i % nodes.length]!.id,
        bucketId: stage.bucketIds[1] as string,
        at: formatInstant(now - 7_200_000 + Math.floor(i / nodes.length) * 7_000 + (i % nodes.length) + 7),
        status: 'ONLINE',
        latencyMs: i % 100,
      }));
      held.push(
        holdRequest(
          service.url,
          'admin import',
          '/admin/reports',
          { authorization: `Bearer ${OPERATOR_TOKEN}` },
          JSON.stringify({ reports: imported }),
          false,
        ),
      );
      await Promise.all(held.map((h) => h.taken));
      // And one more idle connection, of fetch's own pool.
      assert.equal((await fetch(`${service.url}/healthz`)).status, 200);

      const signalledAt = performance.now();
      const exited = service.stop();
      // The listening socket closes as the shutdown begins, while the held requests keep the process alive.
      let refusedAfter: number | undefined;
      while (performance.now() - signalledAt < 10_000) {
        if (await refusesConnections(Number(new URL(service.url).port))) {
          refusedAfter = performance.now() - signalledAt;
          break;
        }
        await delay(20);
      }
      assert.ok(
        refusedAfter !== undefined,
        `new connections were still accepted 10 s after SIGTERM: ${service.output().slice(-2000)}`,
      );
      assert.equal(service.process.exitCode, null, 'the process waits for the requests in flight');
      // A new request finds no service either.
      await assert.rejects(fetch(`${service.url}/healthz`), 'a request after the shutdown began is refused');

      // Now the held requests send their bodies, and each must complete.
      await delay(200);
      for (const h of held) h.release();
      const answers = await Promise.all(held.map(async (h) => ({ label: h.label, ...(await h.answer) })));
      for (const answer of answers) assert.equal(answer.status, 200, `${answer.label}: ${JSON.stringify(answer.body)}`);
      for (const answer of answers.filter((a) => a.label.startsWith('stats'))) {
        assert.equal(answer.body.success, true);
        assert.ok(
          Array.isArray(answer.body.nodeStats) && answer.body.nodeStats.length > 0,
          `${answer.label}: ${JSON.stringify(answer.body)}`,
        );
      }
      for (const answer of answers.filter((a) => a.label.startsWith('status'))) {
        assert.deepEqual(
          { accepted: answer.body.accepted, duplicates: answer.body.duplicates, rejected: answer.body.rejected },
          { accepted: 50, duplicates: 0, rejected: [] },
          answer.label,
        );
      }
      const importAnswer = answers.find((a) => a.label === 'admin import');
      assert.deepEqual(
        { accepted: importAnswer?.body.accepted, duplicates: importAnswer?.body.duplicates },
        { accepted: 2_000, duplicates: 0 },
      );

      const exit = await Promise.race([exited, delay(10_000).then(() => 'still running' as const)]);
      const exitedAfter = Math.round(performance.now() - signalledAt);
      keepAlive.destroy();
      assert.deepEqual(exit, { code: 0, signal: null }, `exit after SIGTERM: ${service.output().slice(-2000)}`);
      console.log(
        `[${kind}] SIGTERM with ${held.length} requests in flight: new connections refused after ${Math.round(refusedAfter)} ms, ` +
          `all ${answers.length} answered 200, exit code 0 after ${exitedAfter} ms`,
      );

      // What was acknowledged is in the store, with rollups equal to a recomputation.
      const store = await openServiceStore({ databaseUrl: database.url, staleAfterMs: STALE_AFTER_MS });
      try {
        const rows = await store.db
          .selectFrom('all_reports as r')
          .innerJoin('series as s', 's.id', 'r.series_id')
          .select(['r.series_id', 's.node_id', 's.bucket_id', 'r.at', 'r.status', 'r.latency_ms'])
          .execute();
        assert.equal(rows.length, history.length + 4 * 50 + imported.length);
        const stored = new Set(rows.map((r) => `${r.node_id}/${r.bucket_id}/${r.at}`));
        for (const [n, node] of nodes.entries()) {
          for (const entry of sent.get(`status of node ${n}`) ?? []) {
            assert.ok(
              stored.has(`${node.id}/${entry.bucketId}/${entry.at}`),
              `acknowledged entry missing: ${JSON.stringify(entry)}`,
            );
          }
        }
        for (const report of imported) {
          assert.ok(
            stored.has(`${report.nodeId}/${report.bucketId}/${Date.parse(report.at)}`),
            `imported report missing: ${report.at}`,
          );
        }
        const bySeriesDay = new Map<string, Array<ReturnType<typeof reportFromRow>>>();
        for (const row of rows) {
          const key = `${row.series_id}/${dayOf(row.at)}`;
          bySeriesDay.set(key, [...(bySeriesDay.get(key) ?? []), reportFromRow(row)]);
        }
        const rollups = await store.db.selectFrom('daily_rollups').selectAll().execute();
        assert.equal(rollups.length, bySeriesDay.size);
        const asRead = await rollupsAsRead(store);
        for (const rollup of rollups) {
          const reports = bySeriesDay.get(`${rollup.series_id}/${rollup.day}`) ?? [];
          assert.deepEqual(asRead.get(`${rollup.series_id}/${rollup.day}`), summarizeDay(reports, STALE_AFTER_MS) as DaySummary);
        }
      } finally {
        await store.close();
      }
    });

    it('starts again on the same store and serves what it acknowledged before', async () => {
      service = await startService({ databaseUrl: database.url, env: { STALE_AFTER_SECONDS: String(STALE_AFTER_MS / 1000) } });
      const node = nodes[0]!;
      const entry: StatusEntry = {
        bucketId: stage.bucketIds[1] as string,
        at: Date.now() - 1_000,
        status: 'ONLINE',
        latencyMs: 5,
      };
      const answer = await sendSigned(
        service.url,
        '/node/status',
        node.id,
        node.keys,
        JSON.parse(statusBody(Date.now(), [entry])),
      );
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.accepted, 1);
      const stats = await expectJson<{ nodeStats: unknown[] }>(
        200,
        service.url,
        'POST',
        `/bucket/${stage.bucketIds[1]}/stats`,
        { day: formatInstant(dayOf(Date.now()) * DAY_MS) },
        stage.token,
      );
      assert.equal(stats.nodeStats.length, nodes.length);
      assert.deepEqual(await service.stop(), { code: 0, signal: null }, service.output().slice(-2000));
    });
  });
}
