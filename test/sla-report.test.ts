import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMember, importReports, stage, createNode, type ImportedReport } from './helpers/fixtures.js';
import { quantileAcceptable } from './helpers/quantile-rule.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';
import { asOperator, listen, runCli } from './fixtures/cli/cli-harness.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../packages/client/src/index.js';
import type { GetBucketIncidentsResponse, GetBucketReportResponse } from '../src/http/schemas/report-schemas.js';
import type { GetBucketNodeStatsResponse } from '../src/http/schemas/stats-schemas.js';
import type { GetBucketRangeStatsResponse } from '../src/http/schemas/history-schemas.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const MINUTE = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** sla.md's worked example: 2024-01-15, a window 06:00–07:00 announced on 2024-01-10. */
function workedExampleReports(nodeId: string, bucketId: string): ImportedReport[] {
  const day = Date.parse('2024-01-15T00:00:00.000Z');
  const reports: ImportedReport[] = [];
  for (let m = 0; m < 360; m++) reports.push({ nodeId, bucketId, at: iso(day + m * MINUTE), status: 'ONLINE', latencyMs: 10 });
  reports.push({ nodeId, bucketId, at: iso(day + 390 * MINUTE), status: 'OFFLINE', latencyMs: null });
  for (let m = 391; m < 1440; m++) reports.push({ nodeId, bucketId, at: iso(day + m * MINUTE), status: 'ONLINE', latencyMs: 20 });
  return reports;
}

for (const kind of STORE_KINDS) {
  describe(`SLA report (${kind})`, () => {
    let t: TestApp;
    let bucketId: string;
    let token: string;
    let nodeId: string;

    before(async () => {
      t = await startTestApp(kind, { now: '2024-01-10T09:00:00.000Z' });
      ({ bucketId, token } = await stage(t, 'sla'));
      nodeId = await createNode(t, { host: 'n1.example.net', ip: '10.0.0.1' });
      // Announced on 2024-01-10, as the worked example says.
      await t.store.maintenance.create(
        bucketId,
        {
          definition: {
            nodeIds: null,
            start: Date.parse('2024-01-15T06:00:00.000Z'),
            end: Date.parse('2024-01-15T07:00:00.000Z'),
            rrule: null,
            durationMinutes: null,
            until: null,
          },
          reason: 'upgrade',
        },
        'operator',
        t.clock.now(),
      );
      t.clock.set('2024-01-20T12:00:00.000Z');
      await importReports(t, workedExampleReports(nodeId, bucketId));
    });
    after(async () => t?.close());

    let listening: Promise<string> | undefined;
    const serviceUrl = (): Promise<string> => (listening ??= listen(t));

    const report = (body: object, headers: Record<string, string> = {}, as = token) =>
      t.call({ method: 'POST', url: `/bucket/${bucketId}/report`, payload: body, headers, token: as });

    it("gives sla.md's worked example exactly", async () => {
      const response = await report({ from: '2024-01-15', to: '2024-01-15' });
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json<GetBucketReportResponse>();
      // One node: the bucket's time figures are the node's.
      const times = {
        countedMs: 86_400_000,
        onlineMs: 84_660_000,
        maintenanceMs: 3_600_000,
        perc_uptime: 97.99,
        perc_uptime_sla: 100,
        downtimeMs: 0,
        incidents: 0,
      };
      assert.deepEqual(body.bucket, times);
      const [node] = body.nodes;
      assert.ok(node);
      const { p50_latency_ms, p95_latency_ms, p99_latency_ms, ...rest } = node;
      assert.deepEqual(rest, {
        nodeId,
        ip: '10.0.0.1',
        host: 'n1.example.net',
        region: 'us-east-1',
        version: '1.0.0',
        listedDays: 1,
        ...times,
        longestIncidentMs: null,
        avg_latency_ms: 17.44,
        daysWithoutDetail: [],
      });
      const latencies = [...Array<number>(360).fill(10), ...Array<number>(1049).fill(20)];
      for (const [q, v] of [
        [0.5, p50_latency_ms],
        [0.95, p95_latency_ms],
        [0.99, p99_latency_ms],
      ] as const) {
        assert.ok(quantileAcceptable(v, latencies, q), `p${q * 100} = ${v}`);
        assert.ok(v !== null && Math.abs(v - 20) <= 0.2, `p${q * 100} = ${v}, not 20 within 1 %`);
      }

      const incidents = await t.call({
        method: 'POST',
        url: `/bucket/${bucketId}/incidents`,
        payload: { from: '2024-01-15', to: '2024-01-15' },
        token,
      });
      assert.equal(incidents.statusCode, 200, incidents.body);
      assert.deepEqual(incidents.json<GetBucketIncidentsResponse>().incidents, [
        {
          nodeId,
          host: 'n1.example.net',
          ip: '10.0.0.1',
          start: '2024-01-15T06:02:00.000Z',
          end: '2024-01-15T06:31:00.000Z',
          durationMs: 1_740_000,
          offlineMs: 60_000,
          disconnectedMs: 1_680_000,
          maintenanceMs: 1_740_000,
        },
      ]);

      // The daily call is unchanged by the window.
      const daily = await t.call({ method: 'POST', url: `/bucket/${bucketId}/stats`, payload: { day: '2024-01-15' }, token });
      const [entry] = daily.json<GetBucketNodeStatsResponse>().nodeStats;
      assert.equal(entry?.perc_uptime, 97.99);
      assert.equal(entry?.avg_latency_ms, 17.44);
      // The range call's day carries the window and the SLA uptime (sla.md, last line of "The period report").
      const range = await t.call({
        method: 'POST',
        url: `/bucket/${bucketId}/stats/range`,
        payload: { from: '2024-01-15', to: '2024-01-15' },
        token,
      });
      const [rangeEntry] = range.json<GetBucketRangeStatsResponse>().days[0]!.nodeStats;
      assert.deepEqual(
        [rangeEntry?.perc_uptime, rangeEntry?.maintenanceMs, rangeEntry?.perc_uptime_sla, rangeEntry?.p50_latency_ms],
        [97.99, 3_600_000, 100, rangeEntry?.p50_latency_ms],
      );
      assert.ok(Math.abs((rangeEntry?.p95_latency_ms ?? 0) - 20) <= 0.2, 'p95 within 1 % of 20');
    });

    it('answers CSV: a header line of field names, one line per node', async () => {
      const response = await report({ from: '2024-01-15', to: '2024-01-15' }, { accept: 'text/csv' });
      assert.equal(response.statusCode, 200);
      assert.match(response.headers['content-type'] as string, /^text\/csv/);
      const lines = response.body.trimEnd().split('\r\n');
      assert.equal(lines.length, 2);
      const header = lines[0]!.split(',');
      assert.deepEqual(header.slice(0, 6), ['nodeId', 'ip', 'host', 'region', 'version', 'listedDays']);
      const row = Object.fromEntries(header.map((name, i) => [name, lines[1]!.split(',')[i]]));
      assert.equal(row.perc_uptime, '97.99');
      assert.equal(row.perc_uptime_sla, '100');
      assert.equal(row.longestIncidentMs, '');
      assert.equal(row.daysWithoutDetail, '');
    });

    it('answers a one-page PDF', async () => {
      const response = await report({ from: '2024-01-01', to: '2024-01-20' }, { accept: 'application/pdf' });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], 'application/pdf');
      assert.equal(response.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.equal(response.rawPayload.toString('latin1').match(/\/Type \/Page\b/g)?.length, 1);
    });

    it('the client gets the report as JSON, CSV text, PDF bytes, and the incidents', async () => {
      const client = new ApiClient(await serviceUrl());
      client.setAuthToken(token);
      const period = { from: '2024-01-15', to: new Date('2024-01-15T00:00:00Z') };
      assert.equal((await client.getBucketReport(bucketId, period)).bucket.perc_uptime_sla, 100);
      assert.match(await client.getBucketReportCsv(bucketId, period), /^nodeId,ip,host,/);
      const pdf = await client.getBucketReportPdf(bucketId, period);
      assert.ok(pdf instanceof Uint8Array);
      assert.equal(Buffer.from(pdf.subarray(0, 5)).toString(), '%PDF-');
      assert.equal((await client.getBucketIncidents(bucketId, period)).incidents[0]?.durationMs, 1_740_000);
    });

    it('fbstats report and incidents: a table, --csv, --pdf FILE, --json, --month; usage errors exit 2', async () => {
      const op = asOperator(await serviceUrl());
      const dir = mkdtempSync(join(tmpdir(), 'fbstats-report-'));
      try {
        const run = (...argv: string[]) => runCli([...argv, ...op], { now: () => t.clock.now() });
        const table = await run('report', bucketId, '--from', '2024-01-15', '--to', '2024-01-15');
        assert.equal(table.code, 0, table.stderr);
        assert.match(table.stdout, /^2024-01-15 to 2024-01-15: availability 100\.00 % \(uptime 97\.99 %\)/);
        assert.match(table.stdout, /n1\.example\.net\s+10\.0\.0\.1\s+100\.00\s+97\.99/);
        const csv = await run('report', bucketId, '--month', '2024-01', '--csv');
        assert.equal(csv.code, 0, csv.stderr);
        assert.equal(csv.stdout.trimEnd().split('\r\n').length, 2);
        const file = join(dir, 'report.pdf');
        const pdf = await run('report', bucketId, '--month', '2024-01', '--pdf', file);
        assert.equal(pdf.code, 0, pdf.stderr);
        assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
        const asJson = await run('report', bucketId, '--from', '2024-01-15', '--to', '2024-01-15', '--json');
        assert.equal((JSON.parse(asJson.stdout) as GetBucketReportResponse).bucket.countedMs, 86_400_000);
        const incidents = await run('incidents', bucketId, '--from', '2024-01-15', '--to', '2024-01-15');
        assert.equal(incidents.code, 0, incidents.stderr);
        assert.match(incidents.stdout, /2024-01-15T06:02:00\.000Z\s+2024-01-15T06:31:00\.000Z\s+n1\.example\.net/);
        for (const argv of [
          ['--month', '2024-13'],
          ['--from', '2024-01-01'],
          ['--month', '2024-01', '--to', '2024-01-02'],
          ['--month', '2024-01', '--csv', '--json'],
        ]) {
          assert.equal((await run('report', bucketId, ...argv)).code, 2, argv.join(' '));
        }
        const refused = await run('report', bucketId, '--from', '2024-01-15', '--to', '2099-01-01');
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /after the current UTC day/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('follows the daily call: access rules, error order, bad input', async () => {
      const stranger = await createMember(t, `stranger-${Math.random()}@example.com`);
      assert.equal((await report({ from: '2024-01-15', to: '2024-01-15' }, {}, null as unknown as string)).statusCode, 401);
      assert.equal((await report({ from: '2024-01-15', to: '2024-01-15' }, {}, stranger.token)).statusCode, 403);
      assert.equal(
        (
          await t.call({
            method: 'POST',
            url: `/bucket/${UNKNOWN_ID}/report`,
            payload: { from: '2024-01-15', to: '2024-01-15' },
            token,
          })
        ).statusCode,
        404,
      );
      // 400 before 404 and 403.
      for (const body of [
        { from: '2024-01-15' },
        { from: 'yesterday', to: '2024-01-15' },
        { from: '2024-01-16', to: '2024-01-15' },
        { from: '2024-01-15', to: '2024-01-21' },
        { from: '2023-01-01', to: '2024-01-15' },
        { from: '2024-02-30', to: '2024-03-01' },
      ]) {
        for (const url of [`/bucket/${bucketId}/report`, `/bucket/${UNKNOWN_ID}/incidents`]) {
          const response = await t.call({ method: 'POST', url, payload: body, token: stranger.token });
          assert.equal(response.statusCode, 400, `${url} ${JSON.stringify(body)}: ${response.body}`);
          assert.equal(response.json<{ success: boolean }>().success, false);
        }
      }
      assert.equal((await t.call({ method: 'POST', url: `/bucket/not-a-uuid/report`, payload: {}, token })).statusCode, 400);
    });
  });
}
