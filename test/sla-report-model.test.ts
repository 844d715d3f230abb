import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { dropRawReports, firstKeptDay } from '../src/store/raw-retention.js';
import type { GetBucketIncidentsResponse, GetBucketReportResponse } from '../src/http/schemas/report-schemas.js';
import { createNode, importReports, stage, type ImportedReport } from './helpers/fixtures.js';
import { quantileAcceptable } from './helpers/quantile-rule.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

// An independent model of sla.md, from raw reports and windows, on exact millisecond intervals.
// It uses nothing of src/stats: its own timeline, listing, maintenance, incidents and rounding.

const DAY = 86_400_000;
const MIN = 60_000;
const STALE = 180_000;
const RETENTION_DAYS = 7;
type Status = 'ONLINE' | 'OFFLINE' | 'DISCONNECTED';
interface R {
  at: number;
  status: Status;
  latencyMs: number | null;
}
interface Seg {
  from: number;
  to: number;
  status: Status;
}
interface Iv {
  from: number;
  to: number;
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** The timeline from the first report up to `now`: each report's status for at most STALE, then DISCONNECTED. */
function timeline(reports: readonly R[], now: number): Seg[] {
  const segs: Seg[] = [];
  reports.forEach((r, i) => {
    const next = Math.min(reports[i + 1]?.at ?? Infinity, now);
    const stale = Math.min(r.at + STALE, next);
    if (stale > r.at) segs.push({ from: r.at, to: stale, status: r.status });
    if (next > stale) segs.push({ from: stale, to: next, status: 'DISCONNECTED' });
  });
  return segs;
}

function union(list: Iv[]): Iv[] {
  const out: Iv[] = [];
  for (const i of [...list].filter((x) => x.to > x.from).sort((a, b) => a.from - b.from)) {
    const last = out[out.length - 1];
    if (last && i.from <= last.to) last.to = Math.max(last.to, i.to);
    else out.push({ ...i });
  }
  return out;
}
const overlap = (a: Iv, b: Iv): number => Math.max(0, Math.min(a.to, b.to) - Math.max(a.from, b.from));
const overlapAll = (a: Iv, list: Iv[]): number => list.reduce((s, b) => s + overlap(a, b), 0);
/** Length of `a` outside the (disjoint) `list`. */
const outside = (a: Iv, list: Iv[]): number => a.to - a.from - overlapAll(a, list);

function percent(part: number, whole: number): number {
  return Number((BigInt(part) * 20_000n + BigInt(whole)) / (2n * BigInt(whole))) / 100;
}

interface Window {
  nodeIds: string[] | null;
  start: number;
  end: number | null;
  rrule: string | null;
  durationMinutes: number | null;
  /** In force over [inForceFrom, inForceUntil). */
  inForceFrom: number;
  inForceUntil: number;
}

/** The windows' time for one node: one-off intervals, or every `INTERVAL` days from start, each within its time in force. */
function maintenance(windows: readonly Window[], nodeId: string, horizon: number): Iv[] {
  const parts: Iv[] = [];
  for (const w of windows) {
    if (w.nodeIds && !w.nodeIds.includes(nodeId)) continue;
    const force = { from: w.inForceFrom, to: w.inForceUntil };
    const occurrences: Iv[] = [];
    if (w.rrule) {
      const every = Number(/INTERVAL=(\d+)/.exec(w.rrule)?.[1] ?? '1') * DAY;
      for (let at = w.start; at < horizon; at += every) occurrences.push({ from: at, to: at + (w.durationMinutes ?? 0) * MIN });
    } else occurrences.push({ from: w.start, to: w.end ?? w.start });
    for (const o of occurrences) {
      const from = Math.max(o.from, force.from);
      const to = Math.min(o.to, force.to);
      if (to > from) parts.push({ from, to });
    }
  }
  return union(parts);
}

interface ModelNode {
  nodeId: string;
  listedCounted: Iv[];
  countedMs: number;
  onlineMs: number;
  maintenanceMs: number;
  perc_uptime: number;
  perc_uptime_sla: number | null;
  downtimeMs: number;
  incidents: number;
  longestIncidentMs: number | null;
  avg_latency_ms: number | null;
  latencies: number[];
  incidentList: GetBucketIncidentsResponse['incidents'];
  listedDays: number;
}

function modelNode(
  nodeId: string,
  reports: R[],
  windows: Window[],
  fromDay: number,
  toDay: number,
  now: number,
): ModelNode | undefined {
  const first = reports[0]!.at;
  const segs = timeline(reports, now);
  const maint = maintenance(windows, nodeId, now + DAY);
  const periodEnd = Math.min((toDay + 1) * DAY, now);
  const period = { from: fromDay * DAY, to: periodEnd };
  const listedCounted: Iv[] = [];
  const latencies: number[] = [];
  for (let day = fromDay; day <= toDay; day++) {
    const end = Math.min((day + 1) * DAY, now);
    if (!reports.some((r) => r.at >= day * DAY - RETENTION_DAYS * DAY && r.at < end)) continue;
    listedCounted.push({ from: Math.min(Math.max(day * DAY, first), end), to: end });
    for (const r of reports)
      if (r.at >= day * DAY && r.at < end && r.status === 'ONLINE' && r.latencyMs !== null) latencies.push(r.latencyMs);
  }
  if (listedCounted.length === 0) return undefined;
  const down = segs.filter((s) => s.status !== 'ONLINE');
  const countedMs = listedCounted.reduce((s, c) => s + c.to - c.from, 0);
  const downMs = listedCounted.reduce((s, c) => s + down.reduce((t, d) => t + overlap(c, d), 0), 0);
  const maintenanceMs = listedCounted.reduce((s, c) => s + overlapAll(c, maint), 0);
  let downtimeMs = 0;
  for (const c of listedCounted) {
    for (const d of down) {
      const piece = { from: Math.max(c.from, d.from), to: Math.min(c.to, d.to) };
      if (piece.to > piece.from) downtimeMs += outside(piece, maint);
    }
  }
  // Incidents: maximal runs of touching down segments.
  const runs: Seg[][] = [];
  for (const d of down) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1]!.to === d.from) run.push(d);
    else runs.push([d]);
  }
  let counted = 0;
  let longest: number | null = null;
  const incidentList: ModelNode['incidentList'] = [];
  for (const run of runs) {
    const start = run[0]!.from;
    const runEnd = run[run.length - 1]!.to;
    const pieces = run
      .flatMap((d) => listedCounted.map((c) => ({ from: Math.max(c.from, d.from), to: Math.min(c.to, d.to) })))
      .filter((p) => p.to > p.from);
    if (pieces.length === 0) continue;
    const until = Math.min(runEnd, periodEnd);
    const clipped = (status: Status) =>
      run.filter((d) => d.status === status).reduce((s, d) => s + Math.max(0, Math.min(d.to, until) - d.from), 0);
    incidentList.push({
      nodeId,
      host: '',
      ip: '',
      start: new Date(start).toISOString(),
      end: runEnd >= now ? null : new Date(runEnd).toISOString(),
      durationMs: until - start,
      offlineMs: clipped('OFFLINE'),
      disconnectedMs: clipped('DISCONNECTED'),
      maintenanceMs: overlapAll({ from: start, to: until }, maint),
    });
    if (pieces.some((p) => outside(p, maint) > 0)) {
      counted++;
      longest = Math.max(longest ?? 0, overlap({ from: start, to: runEnd }, period));
    }
  }
  const latencySum = latencies.reduce((s, l) => s + l, 0);
  return {
    nodeId,
    listedCounted,
    listedDays: listedCounted.length,
    countedMs,
    onlineMs: countedMs - downMs,
    maintenanceMs,
    perc_uptime: countedMs > 0 ? percent(countedMs - downMs, countedMs) : 0,
    perc_uptime_sla:
      countedMs - maintenanceMs > 0 ? percent(countedMs - maintenanceMs - downtimeMs, countedMs - maintenanceMs) : null,
    downtimeMs,
    incidents: counted,
    longestIncidentMs: longest,
    // Whole-number latencies: the mean half-up to 2 decimals, exactly.
    avg_latency_ms:
      latencies.length > 0 ? Math.floor((latencySum * 200 + latencies.length) / (2 * latencies.length)) / 100 : null,
    latencies,
    incidentList,
  };
}

const BASE = Date.parse('2024-03-01T00:00:00.000Z');
const BASE_DAY = BASE / DAY;
const HISTORY_DAYS = 24;

/**
 * A random history of three nodes over 24 days: reports every 1 to 9 minutes with
 * random statuses, silences from minutes to 9 days (past NODE_RETENTION_DAYS: the node
 * drops out and comes back), repeated instants, a late node clock; sent in shuffled
 * batches (late and out-of-order).
 */
function history(seed: number, nodeIds: string[], bucketId: string): { byNode: Map<string, R[]>; sent: ImportedReport[] } {
  const next = random(seed);
  const byNode = new Map<string, R[]>();
  const sent: ImportedReport[] = [];
  for (const [n, nodeId] of nodeIds.entries()) {
    const reports: R[] = [];
    let at = BASE + Math.floor(next() * 2 * DAY) + n * 7_000;
    const end = BASE + (HISTORY_DAYS - 1) * DAY + 14 * 3_600_000;
    let mood: Status = 'ONLINE';
    let silenced = false;
    while (at < end) {
      const roll = next();
      if (roll < 0.02) mood = mood === 'ONLINE' ? (next() < 0.5 ? 'OFFLINE' : 'DISCONNECTED') : 'ONLINE';
      const status: Status = next() < 0.03 ? 'OFFLINE' : mood;
      const latencyMs = status === 'ONLINE' && next() < 0.9 ? Math.floor(next() * next() * 400) : null;
      reports.push({ at, status, latencyMs });
      sent.push({ nodeId, bucketId, at: new Date(at).toISOString(), status, latencyMs });
      // A repeat of the same instant: stored once, the first wins.
      if (next() < 0.01) sent.push({ nodeId, bucketId, at: new Date(at).toISOString(), status: 'OFFLINE', latencyMs: null });
      const silence = next();
      at +=
        silence < 0.0015 && n === 2
          ? Math.floor(next() * 9 * DAY)
          : silence < 0.01
            ? Math.floor(next() * 40 * MIN)
            : MIN + Math.floor(next() * 8 * MIN);
      at += Math.floor(next() * 1000);
      // Node 2 falls silent for 9 days once: unlisted after NODE_RETENTION_DAYS, one incident across the days it is not listed.
      if (n === 2 && at >= BASE + 8 * DAY && !silenced) {
        silenced = true;
        at += 9 * DAY + 4321;
      }
    }
    byNode.set(nodeId, reports);
  }
  // Shuffled: reports arrive late and out of order.
  for (let i = sent.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [sent[i], sent[j]] = [sent[j]!, sent[i]!];
  }
  // The first copy of each repeated instant must be the one kept: keep it first among its repeats.
  const seen = new Set<string>();
  const firstOf = new Map<string, ImportedReport>();
  for (const r of sent) {
    const key = `${r.nodeId}/${r.at}`;
    if (!seen.has(key)) {
      seen.add(key);
      firstOf.set(key, r);
    }
  }
  for (const [nodeId, reports] of byNode) {
    byNode.set(
      nodeId,
      reports.map((r) => {
        const kept = firstOf.get(`${nodeId}/${new Date(r.at).toISOString()}`)!;
        return { at: r.at, status: kept.status as Status, latencyMs: kept.latencyMs ?? null };
      }),
    );
  }
  return { byNode, sent };
}

for (const kind of STORE_KINDS) {
  describe(`SLA report against a model (${kind})`, () => {
    let t: TestApp;
    let token: string;
    let bucketId: string;
    let nodeIds: string[];
    let byNode: Map<string, R[]>;
    const windows: Window[] = [];
    const now = BASE + (HISTORY_DAYS - 1) * DAY + 15 * 3_600_000 + 12_345;

    before(async () => {
      t = await startTestApp(kind, { now: new Date(BASE - DAY).toISOString() });
      ({ bucketId, token } = await stage(t, 'model'));
      nodeIds = [];
      for (let i = 0; i < 3; i++) nodeIds.push(await createNode(t, { host: `n${i}.example.net`, ip: `10.0.0.${i + 1}` }));
      const announce = async (w: Omit<Window, 'inForceFrom' | 'inForceUntil'>, at: number, deleteAt?: number) => {
        t.clock.current = at;
        const created = await t.store.maintenance.create(
          bucketId,
          { definition: { ...w, until: null }, reason: null },
          'test',
          at,
        );
        assert.ok(created);
        let inForceUntil = Infinity;
        if (deleteAt !== undefined) {
          t.clock.current = deleteAt;
          assert.equal(await t.store.maintenance.delete(bucketId, created.id, deleteAt), true);
          inForceUntil = deleteAt;
        }
        windows.push({ ...w, inForceFrom: at, inForceUntil });
      };
      const H = 3_600_000;
      // Over midnight, every other day, for every node.
      await announce(
        { nodeIds: null, start: BASE + 23 * H, end: null, rrule: 'FREQ=DAILY;INTERVAL=2', durationMinutes: 150 },
        BASE - DAY,
      );
      // Overlapping one-off windows, one for a single node.
      await announce(
        { nodeIds: null, start: BASE + 5 * DAY + 2 * H, end: BASE + 5 * DAY + 9 * H, rrule: null, durationMinutes: null },
        BASE - DAY,
      );
      await announce(
        {
          nodeIds: [nodeIds[1]!],
          start: BASE + 5 * DAY + 6 * H,
          end: BASE + 6 * DAY + 1 * H,
          rrule: null,
          durationMinutes: null,
        },
        BASE - DAY,
      );
      // Announced late: in force only from its announcement (mid-window), and ended early by a deletion.
      await announce(
        { nodeIds: [nodeIds[0]!, nodeIds[2]!], start: BASE + 10 * DAY, end: BASE + 14 * DAY, rrule: null, durationMinutes: null },
        BASE + 10 * DAY + 5 * H,
        BASE + 12 * DAY + 7 * H,
      );
      // Daily, for one node, announced in the middle of the history.
      await announce(
        { nodeIds: [nodeIds[2]!], start: BASE + 16 * DAY + 13 * H, end: null, rrule: 'FREQ=DAILY', durationMinutes: 45 },
        BASE + 16 * DAY,
      );
      t.clock.current = now;
      let sent: ImportedReport[];
      ({ byNode, sent } = history(kind === 'sqlite' ? 11 : 23, nodeIds, bucketId));
      for (let i = 0; i < sent.length; i += 10_000) await importReports(t, sent.slice(i, i + 10_000));
    });
    after(async () => t?.close());

    const periods = [
      [0, HISTORY_DAYS - 1],
      [0, 0],
      [3, 9],
      [5, 5],
      [9, 17],
      [12, HISTORY_DAYS - 1],
      [HISTORY_DAYS - 1, HISTORY_DAYS - 1],
    ] as const;
    /** Every field and every incident of the report of days a..b equal to the model's. */
    async function checkPeriod(a: number, b: number): Promise<void> {
      const from = new Date((BASE_DAY + a) * DAY).toISOString().slice(0, 10);
      const to = new Date((BASE_DAY + b) * DAY).toISOString().slice(0, 10);
      const response = await t.call({ method: 'POST', url: `/bucket/${bucketId}/report`, payload: { from, to }, token });
      assert.equal(response.statusCode, 200, response.body);
      const answer = response.json<GetBucketReportResponse>();
      const models = nodeIds.flatMap((id) => modelNode(id, byNode.get(id)!, windows, BASE_DAY + a, BASE_DAY + b, now) ?? []);
      assert.deepEqual(
        answer.nodes.map((n) => n.nodeId),
        models.map((m) => m.nodeId),
      );
      for (const [i, model] of models.entries()) {
        const node = answer.nodes[i]!;
        const { latencies, incidentList, listedCounted, ...fields } = model;
        const { p50_latency_ms, p95_latency_ms, p99_latency_ms, ip, host, region, version, daysWithoutDetail, ...got } = node;
        assert.deepEqual(got, fields, `node ${i}`);
        assert.deepEqual(daysWithoutDetail, []);
        assert.equal(host, `n${nodeIds.indexOf(node.nodeId)}.example.net`);
        assert.ok([ip, region, version].every((v) => typeof v === 'string'));
        for (const [q, v] of [
          [0.5, p50_latency_ms],
          [0.95, p95_latency_ms],
          [0.99, p99_latency_ms],
        ] as const) {
          assert.ok(quantileAcceptable(v, latencies, q), `node ${i} p${q * 100}: ${v}`);
        }
        void listedCounted;
        void incidentList;
      }
      const sum = (key: 'countedMs' | 'onlineMs' | 'maintenanceMs' | 'downtimeMs' | 'incidents') =>
        models.reduce((s, m) => s + m[key], 0);
      const outsideMaintenance = sum('countedMs') - sum('maintenanceMs');
      assert.deepEqual(answer.bucket, {
        countedMs: sum('countedMs'),
        onlineMs: sum('onlineMs'),
        maintenanceMs: sum('maintenanceMs'),
        perc_uptime: sum('countedMs') > 0 ? percent(sum('onlineMs'), sum('countedMs')) : 0,
        perc_uptime_sla: outsideMaintenance > 0 ? percent(outsideMaintenance - sum('downtimeMs'), outsideMaintenance) : null,
        downtimeMs: sum('downtimeMs'),
        incidents: sum('incidents'),
      });

      const incidents = await t.call({ method: 'POST', url: `/bucket/${bucketId}/incidents`, payload: { from, to }, token });
      assert.equal(incidents.statusCode, 200, incidents.body);
      const expected = models
        .flatMap((m) =>
          m.incidentList.map((inc) => ({
            ...inc,
            host: `n${nodeIds.indexOf(m.nodeId)}.example.net`,
            ip: `10.0.0.${nodeIds.indexOf(m.nodeId) + 1}`,
          })),
        )
        .sort((x, y) => Date.parse(y.start) - Date.parse(x.start) || (x.nodeId < y.nodeId ? -1 : 1));
      assert.deepEqual(incidents.json<GetBucketIncidentsResponse>().incidents, expected);
    }

    for (const [a, b] of periods) {
      it(`every field and every incident of days ${a}..${b} equal the model`, () => checkPeriod(a, b));
    }

    // The rollups keep the down spans and sketches: once retention drops the raw reports of old days
    // (and a restart empties every kept answer), the report and its incidents must not change.
    it('drops the raw reports of the days before the last 10', async () => {
      const pass = await dropRawReports(t.store.db, firstKeptDay(now, 10));
      assert.ok(pass.deletedReports > 0 || pass.droppedPartitions.length > 0);
      const cutoff = firstKeptDay(now, 10) * DAY;
      const left = await sql<{ n: number }>`select count(*) as n from all_reports where at < ${cutoff}`.execute(t.store.db);
      assert.equal(Number(left.rows[0]!.n), 0);
      await t.restart();
    });
    for (const [a, b] of periods) {
      it(`after raw retention, days ${a}..${b} still equal the model`, () => checkPeriod(a, b));
    }
  });
}
