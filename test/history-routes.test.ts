import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import {
  addMember,
  createBucket,
  createMember,
  createNode,
  createWorkspace,
  dayStats,
  importReports,
  type ImportedReport,
} from './helpers/fixtures.js';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from './helpers/test-app.js';
import { quantileAcceptable } from './helpers/quantile-rule.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const NOW = '2024-02-01T12:00:00.000Z';
const DAY_MS = 86_400_000;

interface RangeEntry {
  nodeId: string;
  region: string;
  [field: string]: unknown;
}
interface RangeAnswer {
  success: boolean;
  from: string;
  to: string;
  days: Array<{ day: string; nodeStats: RangeEntry[] }>;
}
interface LatencyAnswer {
  success: boolean;
  day: string;
  nodes: Array<{ nodeId: string; ip: string; host: string; region: string; minutes: number[]; latencyMs: Array<number | null> }>;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const dayText = (ms: number): string => iso(ms).slice(0, 10);

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/**
 * A month of history with the cases that make days depend on each other:
 * a node whose timeline starts mid-range, one that re-registers (new region
 * and version), one silent long enough to drop out and come back, one whose
 * status carries over every midnight, and one whose clock runs ahead of now.
 */
function history(nodes: Record<'steady' | 'late' | 'silent' | 'nightly' | 'ahead', string>, bucketId: string): ImportedReport[] {
  const next = random(42);
  const reports: ImportedReport[] = [];
  const add = (nodeId: string, at: number, status?: string) => {
    const roll = next();
    const chosen = status ?? (roll < 0.8 ? 'ONLINE' : roll < 0.93 ? 'OFFLINE' : 'DISCONNECTED');
    const latencyMs = chosen === 'ONLINE' && next() < 0.9 ? Math.round(next() * 20_000) / 100 : null;
    reports.push({ nodeId, bucketId, at: iso(at), status: chosen, latencyMs });
  };
  const start = Date.parse('2023-12-26T00:00:00.000Z');
  const now = Date.parse(NOW);
  // Every report but the last one of `ahead` is dated before now.
  for (let at = start; at < now; at += 20 * 60_000) {
    const jitter = Math.floor(next() * 120) * 1000;
    add(nodes.steady, at + jitter >= now ? at : at + jitter);
    if (at >= Date.parse('2024-01-10T07:30:00.000Z')) add(nodes.late, at + 60_000 >= now ? at : at + 60_000);
    const silent = at >= Date.parse('2024-01-12T00:00:00.000Z') && at < Date.parse('2024-01-25T00:00:00.000Z');
    if (!silent && at + 90_000 < now) add(nodes.silent, at + 90_000);
  }
  for (let at = start + DAY_MS - 60_000; at < now; at += DAY_MS) add(nodes.nightly, at, 'ONLINE');
  add(nodes.ahead, now - 120_000, 'ONLINE');
  add(nodes.ahead, now + 60_000, 'OFFLINE'); // dated after now: the current day reads raw reports for it
  return reports;
}

for (const kind of STORE_KINDS) {
  describe(`the range and latency calls (${kind})`, () => {
    let t: TestApp;
    let owner: { userId: string; token: string };
    let reader: { userId: string; token: string };
    let outsider: { userId: string; token: string };
    let bucketId: string;
    let nodes: Record<'steady' | 'late' | 'silent' | 'nightly' | 'ahead', string>;
    let imported: ImportedReport[];

    const range = (body: unknown, token: string | null = reader.token, id = bucketId, extra: InjectOptions = {}) =>
      t.call({ method: 'POST', url: `/bucket/${id}/stats/range`, payload: body as string, token, ...extra });
    const latency = (body: unknown, token: string | null = reader.token, id = bucketId, extra: InjectOptions = {}) =>
      t.call({ method: 'POST', url: `/bucket/${id}/latency`, payload: body as string, token, ...extra });

    before(async () => {
      t = await startTestApp(kind, { now: NOW });
      owner = await createMember(t, 'owner@example.com');
      reader = await createMember(t, 'reader@example.com');
      outsider = await createMember(t, 'outsider@example.com');
      const workspaceId = await createWorkspace(t, owner.userId);
      bucketId = await createBucket(t, workspaceId, 'invoices');
      await addMember(t, workspaceId, reader.userId, 'READ', owner.token);
      await createBucket(t, await createWorkspace(t, outsider.userId), 'elsewhere');

      nodes = {
        steady: await createNode(t, { host: 'a-eu-west-1.flashback.tech', ip: '10.0.0.1', region: 'eu-west-1' }),
        late: await createNode(t, { host: 'b-us-east-1.flashback.tech', ip: '10.0.0.2', region: 'us-east-1' }),
        silent: await createNode(t, { host: 'c-ap-south-1.flashback.tech', ip: '10.0.0.3', region: 'ap-south-1' }),
        nightly: await createNode(t, { host: 'd-sa-east-1.flashback.tech', ip: '10.0.0.4', region: 'sa-east-1' }),
        ahead: await createNode(t, { host: 'e-eu-north-1.flashback.tech', ip: '10.0.0.5', region: 'eu-north-1' }),
      };
      const moved = await t.call({
        method: 'POST',
        url: `/admin/nodes/${nodes.late}/registrations`,
        payload: { at: '2024-01-20T10:00:00.000Z', region: 'us-west-2', version: '1.1.0', ip: '10.0.1.2' },
      });
      assert.equal(moved.statusCode, 201, moved.body);
      imported = history(nodes, bucketId);
      for (let i = 0; i < imported.length; i += 10_000) await importReports(t, imported.slice(i, i + 10_000));
    });
    after(() => t.close());

    it("answers a month with each day exactly as the stats call answers it, plus each node's id and region", async () => {
      const res = await range({ from: '2024-01-02', to: '2024-02-01' });
      assert.equal(res.statusCode, 200, res.body);
      const answer = res.json<RangeAnswer>();
      assert.equal(answer.success, true);
      assert.equal(answer.from, '2024-01-02');
      assert.equal(answer.to, '2024-02-01');
      assert.equal(answer.days.length, 31);
      const regionsSeen = new Set<string>();
      for (const [i, { day, nodeStats }] of answer.days.entries()) {
        assert.equal(day, dayText(Date.parse('2024-01-02T00:00:00Z') + i * DAY_MS));
        const expected = await dayStats(t, bucketId, day, reader.token);
        assert.deepEqual(
          nodeStats.map(
            ({ nodeId: _id, region: _region, p50_latency_ms: _p50, p95_latency_ms: _p95, p99_latency_ms: _p99, ...fields }) =>
              fields,
          ),
          expected,
          day,
        );
        // The day's percentiles: of its ONLINE latencies dated before now, within sla.md's rule.
        const dayStart = Date.parse(`${day}T00:00:00.000Z`);
        for (const entry of nodeStats) {
          const latencies = imported
            .filter((r) => r.nodeId === entry.nodeId && r.status === 'ONLINE' && typeof r.latencyMs === 'number')
            .filter((r) => Date.parse(r.at) >= dayStart && Date.parse(r.at) < Math.min(dayStart + DAY_MS, Date.parse(NOW)))
            .map((r) => r.latencyMs as number);
          for (const [field, q] of [
            ['p50_latency_ms', 0.5],
            ['p95_latency_ms', 0.95],
            ['p99_latency_ms', 0.99],
          ] as const) {
            const v = entry[field] as number | null;
            assert.ok(quantileAcceptable(v, latencies, q), `${day} ${field} ${v} of ${latencies.length} latencies`);
          }
        }
        for (const entry of nodeStats) {
          const label = Object.entries(nodes).find(([, id]) => id === entry.nodeId)?.[0];
          assert.ok(label, `${day}: ${entry.nodeId} is one of the bucket's nodes`);
          regionsSeen.add(`${label}:${entry.region}`);
        }
      }
      // Every case of the history shows up: the late node's re-registration, the silent node dropping out.
      assert.ok(regionsSeen.has('late:us-east-1') && regionsSeen.has('late:us-west-2'), [...regionsSeen].join());
      const listed = (day: string) => answer.days.find((d) => d.day === day)?.nodeStats.map((e) => e.nodeId) ?? [];
      assert.ok(!listed('2024-01-21').includes(nodes.silent), 'silent for more than 7 days: not listed');
      assert.ok(listed('2024-01-15').includes(nodes.silent), 'silent for less than 7 days: still listed');
      assert.ok(!listed('2024-01-09').includes(nodes.late), 'before its first report: not listed');
      assert.deepEqual(listed('2024-02-01').length, 5);
    });

    it('reads the rollups once for the whole span, not day by day', async () => {
      const stats = t.store.stats;
      const reads: string[] = [];
      const original = {
        seriesDaysRange: stats.seriesDaysRange.bind(stats),
        seriesDays: stats.seriesDays.bind(stats),
        seriesAhead: stats.seriesAhead.bind(stats),
      };
      stats.seriesDaysRange = async (...args) => {
        const rows = await original.seriesDaysRange(...args);
        reads.push(`range ${rows.length}`);
        return rows;
      };
      stats.seriesDays = async (...args) => (reads.push('day'), original.seriesDays(...args));
      stats.seriesAhead = async (...args) => (reads.push('reports'), original.seriesAhead(...args));
      try {
        const res = await range({ from: '2024-01-02', to: '2024-02-01' });
        assert.equal(res.statusCode, 200, res.body);
      } finally {
        Object.assign(stats, original);
      }
      const [first, ...rest] = reads;
      const rows = Number(first?.split(' ')[1]);
      // 5 nodes, 31 days and a 7-day lookback: at most one row per node and day.
      assert.ok(first?.startsWith('range ') && rows > 0 && rows <= 5 * (31 + 7), reads.join());
      // Only the node whose clock runs ahead needs its raw reports of today, as in the stats call.
      assert.deepEqual(rest, ['reports']);
    });

    it('takes the forms of day the stats call takes, and answers a span before any report with empty days', async () => {
      const res = await range({ from: '2023-12-01T23:30:00-02:00', to: '2023-12-03T00:00:00.000Z' });
      assert.equal(res.statusCode, 200, res.body);
      const answer = res.json<RangeAnswer>();
      assert.deepEqual(
        answer.days.map((d) => [d.day, d.nodeStats.length]),
        [
          ['2023-12-02', 0],
          ['2023-12-03', 0],
        ],
      );
      const single = await range({ from: '2024-02-01', to: '2024-02-01' });
      assert.equal(single.json<RangeAnswer>().days.length, 1);
      const longest = await range({ from: '2023-02-01', to: '2024-02-01' });
      assert.equal(longest.statusCode, 200, longest.body);
      assert.equal(longest.json<RangeAnswer>().days.length, 366);
    });

    it('400: a malformed, reversed, future or too long span', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ from: 'nope', to: '2024-01-15' }, /from must be a date/],
        [{ from: '2024-01-15', to: '2024-02-30' }, /to must be a date/],
        [{ from: '2024-01-15' }, /missing the required field "to"/],
        [{ from: 20240115, to: '2024-01-15' }, /body\.from must be string/],
        [{ from: '2024-01-16', to: '2024-01-15' }, /from 2024-01-16 is after to 2024-01-15/],
        [{ from: '2024-01-15', to: '2024-02-02' }, /to 2024-02-02 is after the current UTC day/],
        [{ from: '2023-01-31', to: '2024-02-01' }, /spans 367 days; at most 366/],
      ];
      for (const [body, message] of cases) {
        const res = await range(body);
        assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
        assert.deepEqual(res.json(), { success: false, message: res.json<{ message: string }>().message });
        assert.match(res.json<{ message: string }>().message, message);
      }
    });

    it('keeps the access rules and the order of errors of the stats call', async () => {
      const good = { from: '2024-01-15', to: '2024-01-16' };
      assert.equal((await range(good, owner.token)).statusCode, 200);
      assert.equal((await range(good, OPERATOR_TOKEN)).statusCode, 200, 'the operator reads every bucket');
      assert.equal((await range(good, null)).statusCode, 401);
      assert.equal((await range({ from: 'bad' }, null)).statusCode, 401, '401 before 400');
      assert.equal((await range('x', reader.token, bucketId, { headers: { 'content-type': 'text/plain' } })).statusCode, 415);
      assert.equal((await range(good, reader.token, 'not-a-uuid')).statusCode, 400);
      assert.equal((await range({ from: 'bad', to: 'bad' }, reader.token, UNKNOWN_ID)).statusCode, 400, '400 before 404');
      assert.equal((await range(good, reader.token, UNKNOWN_ID)).statusCode, 404);
      assert.equal((await range({ from: 'bad', to: 'bad' }, outsider.token)).statusCode, 400, '400 before 403');
      const refused = await range(good, outsider.token);
      assert.equal(refused.statusCode, 403);
      assert.match(refused.json<{ message: string }>().message, /not in any of your workspaces/);
      const upper = await range(good, reader.token, bucketId.toUpperCase());
      assert.equal(upper.statusCode, 200, 'ids match case-insensitively');

      assert.equal((await latency({ day: '2024-01-15' }, null)).statusCode, 401);
      assert.equal((await latency({ day: 'bad' }, outsider.token)).statusCode, 400);
      assert.equal((await latency({ day: '2024-01-15' }, reader.token, UNKNOWN_ID)).statusCode, 404);
      assert.equal((await latency({ day: '2024-01-15' }, outsider.token)).statusCode, 403);
    });

    it("charts a day's latency per node and minute: the mean of the ONLINE reports that measured one", async () => {
      const chartBucket = await createBucket(t, await createWorkspace(t, reader.userId, 'charts'), 'chart');
      const x = await createNode(t, { host: 'x.flashback.tech', ip: '10.9.0.1', region: 'eu-west-3' });
      const y = await createNode(t, { host: 'w.flashback.tech', ip: '10.9.0.2', region: 'us-east-2' });
      const r = (nodeId: string, at: string, status: string, latencyMs: number | null): ImportedReport => ({
        nodeId,
        bucketId: chartBucket,
        at: `2024-01-${at}Z`,
        status,
        latencyMs,
      });
      await importReports(t, [
        r(x, '14T23:59:59.000', 'ONLINE', 999),
        r(x, '15T06:00:10.000', 'ONLINE', 40),
        r(x, '15T06:00:40.000', 'ONLINE', 50),
        r(x, '15T06:00:50.000', 'OFFLINE', 500),
        r(x, '15T06:01:00.000', 'OFFLINE', null),
        r(x, '15T06:02:00.000', 'ONLINE', null),
        r(x, '15T06:03:00.000', 'ONLINE', 1.005),
        r(x, '15T06:03:30.000', 'ONLINE', 1.005),
        r(y, '15T07:00:00.000', 'ONLINE', 10),
        r(y, '16T00:00:00.000', 'ONLINE', 999),
      ]);
      const res = await latency({ day: '2024-01-15' }, reader.token, chartBucket);
      assert.equal(res.statusCode, 200, res.body);
      const minute = (time: string) => Date.parse(`2024-01-15T${time}:00.000Z`);
      assert.deepEqual(res.json<LatencyAnswer>(), {
        success: true,
        day: '2024-01-15',
        nodes: [
          {
            nodeId: y,
            ip: '10.9.0.2',
            host: 'w.flashback.tech',
            region: 'us-east-2',
            minutes: [minute('07:00')],
            latencyMs: [10],
          },
          {
            nodeId: x,
            ip: '10.9.0.1',
            host: 'x.flashback.tech',
            region: 'eu-west-3',
            minutes: [minute('06:00'), minute('06:01'), minute('06:02'), minute('06:03')],
            latencyMs: [45, null, null, 1.01],
          },
        ],
      });
      const empty = await latency({ day: '2024-01-10' }, reader.token, chartBucket);
      assert.deepEqual(empty.json(), { success: true, day: '2024-01-10', nodes: [] });
    });

    it('charts the current day up to now, and refuses a day after it', async () => {
      const res = await latency({ day: '2024-02-01T13:00:00+01:00' });
      assert.equal(res.statusCode, 200, res.body);
      const ahead = res.json<LatencyAnswer>().nodes.find((n) => n.nodeId === nodes.ahead);
      assert.deepEqual(ahead?.minutes, [Date.parse(NOW) - 120_000], 'the report dated after now is left out');
      const future = await latency({ day: '2024-02-02' });
      assert.equal(future.statusCode, 400);
      assert.match(future.json<{ message: string }>().message, /day 2024-02-02 is after the current UTC day/);
      assert.match((await latency({})).json<{ message: string }>().message, /missing the required field "day"/);
    });
  });
}
