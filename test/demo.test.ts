import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DEMO_FLEET, DEMO_UPGRADE, type DemoTrait } from '../src/demo/demo-fleet.js';
import { startDemo, type DemoHandle } from '../src/demo/start-demo.js';
import { DAY_MS } from '../src/time/instant.js';
import type { NodeStatsEntry } from './helpers/fixtures.js';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from './helpers/test-stores.js';

const ENTRY = fileURLToPath(new URL('../src/demo/demo.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

const hostOf = (trait: DemoTrait): string => DEMO_FLEET.find((node) => node.trait === trait)?.host ?? '';
const FLAPPING = hostOf('flapping');
const OUTAGES = hostOf('outages');
const UPGRADED = hostOf('upgraded');
const NEAREST = '*-us-east-1-aws.flashback.tech';
const FARTHEST = '*-ap-southeast-1-aws.flashback.tech';

async function stats(url: string, bucketId: string, token: string, day: string): Promise<Map<string, NodeStatsEntry>> {
  const response = await fetch(`${url}/bucket/${bucketId}/stats`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ day }),
  });
  const body = (await response.json()) as { success: boolean; nodeStats: NodeStatsEntry[] };
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.deepEqual(
    body.nodeStats.map((entry) => entry.host),
    DEMO_FLEET.map((node) => node.host).sort(),
    `${day}: all eight nodes, in host order`,
  );
  return new Map(body.nodeStats.map((entry) => [entry.host, entry]));
}

const field = <K extends keyof NodeStatsEntry>(entries: Map<string, NodeStatsEntry>, host: string, key: K): NodeStatsEntry[K] =>
  (entries.get(host) as NodeStatsEntry)[key];
const distinct = (entries: Map<string, NodeStatsEntry>, key: keyof NodeStatsEntry): number =>
  new Set([...entries.values()].map((entry) => entry[key])).size;

describe('the demo (npm run demo)', () => {
  for (const kind of STORE_KINDS) {
    describe(`on ${kind}`, () => {
      let root: string;
      let database: TestDatabase | undefined;
      let demo: DemoHandle;
      const day = (daysAgo: number): string => new Date((demo.timeline.anchorDay - daysAgo) * DAY_MS).toISOString().slice(0, 10);
      const ask = (daysAgo: number, bucket = 0) => stats(demo.url, demo.buckets[bucket]?.id ?? '', demo.token, day(daysAgo));

      before(async () => {
        root = mkdtempSync(join(tmpdir(), 'fbstats-demo-'));
        mkdirSync(join(root, 'demo'));
        writeFileSync(join(root, 'demo', 'left-over'), 'from an earlier run');
        database = kind === 'postgres' ? await createTestDatabase('postgres') : undefined;
        demo = await startDemo({
          dataDir: join(root, 'demo'),
          ...(database && { databaseUrl: database.url }),
          port: 0,
          host: '127.0.0.1',
          historyDays: 3,
          historyStepMs: 60_000,
          liveIntervalMs: 1_000,
          // The flapping node's first live flap once the fleet is live; a hold-down of 2 live reports.
          firstFlapInMs: 20_000,
          alertForSeconds: 2,
        });
      });
      after(async () => {
        await demo?.stop();
        await database?.drop();
        rmSync(root, { recursive: true, force: true });
      });

      it('starts on an emptied data directory, with the operator token in it (mode 600) and three days imported', () => {
        assert.equal(existsSync(join(root, 'demo', 'left-over')), false);
        assert.equal(demo.operatorTokenSource, join(root, 'demo', 'operator-token'));
        assert.equal(statSync(demo.operatorTokenSource).mode & 0o777, 0o600);
        // 8 nodes × 2 buckets × 1440 a day, less the outage and the last minutes of the present.
        assert.ok(demo.history.reports > 3 * 8 * 2 * 1400 && demo.history.reports <= 3 * 8 * 2 * 1440, `${demo.history.reports}`);
        assert.match(demo.token, /^fbk_/);
      });

      it('today: every node listed, latencies by region, the flapping node below 100 %', async () => {
        for (const bucket of [0, 1]) {
          const today = await ask(0, bucket);
          assert.ok(field(today, FLAPPING, 'perc_uptime') < 100, `flapping: ${field(today, FLAPPING, 'perc_uptime')}`);
          assert.ok(distinct(today, 'perc_uptime') >= 2);
          assert.ok(distinct(today, 'avg_latency_ms') >= 6, JSON.stringify([...today.values()]));
          assert.ok((field(today, FARTHEST, 'avg_latency_ms') ?? 0) > (field(today, NEAREST, 'avg_latency_ms') ?? Infinity));
          assert.equal(field(today, UPGRADED, 'version'), DEMO_UPGRADE.to);
        }
      });

      it('the past: yesterday the flapping and the outage show, and the version changes on the upgrade day', async () => {
        const yesterday = await ask(1);
        const flapping = field(yesterday, FLAPPING, 'perc_uptime');
        const outage = field(yesterday, OUTAGES, 'perc_uptime');
        // 4 minutes OFFLINE in every 11; silent from 02:00 to 06:30, up again 3 minutes after the last report.
        assert.ok(flapping > 55 && flapping < 70, `flapping: ${flapping}`);
        assert.ok(outage > 78 && outage < 85, `outage: ${outage}`);
        for (const [host, entry] of yesterday) {
          if (host !== FLAPPING && host !== OUTAGES) assert.ok(entry.perc_uptime >= 99, `${host}: ${entry.perc_uptime}`);
        }
        assert.ok(distinct(yesterday, 'perc_uptime') >= 3);
        assert.ok(distinct(yesterday, 'avg_latency_ms') >= 6);
        assert.ok(
          (field(yesterday, FARTHEST, 'avg_latency_ms') ?? 0) > (field(yesterday, NEAREST, 'avg_latency_ms') ?? Infinity),
        );

        const before = await ask(2);
        assert.equal(field(before, UPGRADED, 'version'), DEMO_UPGRADE.from);
        assert.equal(field(yesterday, UPGRADED, 'version'), DEMO_UPGRADE.to);
        assert.equal(new Date(demo.timeline.upgradeAt).toISOString().slice(0, 10), day(1));
        // Two days ago was not a flapping day, nor an outage day.
        assert.ok(field(before, FLAPPING, 'perc_uptime') >= 99);
        assert.ok(field(before, OUTAGES, 'perc_uptime') >= 99);
      });

      it("maintenance: the outages node's weekly window (imported history) and a window announced for tomorrow", async () => {
        const response = await fetch(`${demo.url}/bucket/${demo.buckets[0]?.id}/maintenance`, {
          headers: { authorization: `Bearer ${demo.token}` },
        });
        const { windows } = (await response.json()) as {
          windows: Array<{
            nodeIds: string[] | null;
            start: string;
            end: string | null;
            rrule: string | null;
            imported: boolean;
          }>;
        };
        const outages = demo.nodes.find((node) => node.trait === 'outages')?.id;
        assert.deepEqual(
          windows.map((w) => [w.nodeIds, w.start.slice(11), w.end?.slice(11) ?? null, w.rrule, w.imported]),
          [
            [[outages], '02:00:00.000Z', null, 'FREQ=WEEKLY', true],
            [null, '03:00:00.000Z', '04:00:00.000Z', null, false],
          ],
        );
        assert.equal(windows[1]?.start.slice(0, 10), day(-1));
        assert.equal(Math.round((Date.parse(day(1)) - Date.parse(windows[0]?.start.slice(0, 10) ?? '')) / DAY_MS) % 7, 0);
      });

      it("alerts: the flapping node's flap reaches the demo's receiver as a verified node.down, and is listed delivered", async () => {
        const isFlap = (a: { type: string; data: Record<string, unknown> }) => a.type === 'node.down' && a.data.host === FLAPPING;
        for (let waited = 0; waited < 60_000 && !demo.alerts.received.some(isFlap); waited += 250) await delay(250);
        const down = demo.alerts.received.find(isFlap);
        assert.ok(down, `no node.down of ${FLAPPING}: ${JSON.stringify(demo.alerts.received)}`);
        assert.equal(down.data.region, 'westeurope');
        assert.equal(down.data.bucketId, demo.buckets[0]?.id);
        assert.equal(down.data.status, 'OFFLINE');
        assert.equal(demo.alerts.refused, 0, 'every webhook verified');
        const headers = { authorization: `Bearer ${demo.token}` };
        let listed: Array<{ eventId: string; status: string; channelId: string }> = [];
        for (let i = 0; i < 40 && !listed.some((d) => d.eventId === down.id && d.status === 'delivered'); i++) {
          const response = await fetch(`${demo.url}/workspace/${demo.workspaceId}/alerts/deliveries?eventType=node.down`, {
            headers,
          });
          listed = ((await response.json()) as { deliveries: typeof listed }).deliveries;
          await delay(250);
        }
        assert.ok(
          listed.some((d) => d.eventId === down.id && d.status === 'delivered' && d.channelId === demo.alerts.channelId),
          JSON.stringify(listed),
        );
      });

      it('live: every node keeps sending signed reports, so last_updated moves', async () => {
        const first = await ask(0);
        const moved = new Set<string>();
        for (let attempt = 0; attempt < 30 && moved.size < first.size; attempt++) {
          await delay(500);
          for (const [host, entry] of await ask(0)) {
            if (entry.last_updated > field(first, host, 'last_updated')) moved.add(host);
          }
        }
        assert.deepEqual([...moved].sort(), [...first.keys()].sort());
      });

      it('stops cleanly: the port closes and the store is closed; stopping again is harmless', async () => {
        await demo.stop();
        await assert.rejects(fetch(`${demo.url}/healthz`));
        await demo.stop();
        // Closing the last SQLite connection checkpoints the WAL and removes it.
        if (kind === 'sqlite') assert.equal(existsSync(join(root, 'demo', 'flashback.db-wal')), false);
      });
    });
  }

  it('the entry prints the dashboard URL, the token and a curl command that works, and exits 0 on SIGINT', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fbstats-demo-entry-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DEMO_HISTORY_DAYS: '1' };
    for (const name of ['DATABASE_URL', 'DATA_DIR', 'FLASHBACK_ADMIN_TOKEN', 'LOG_LEVEL']) delete env[name];
    const child = spawn(process.execPath, ['--import', TSX, ENTRY], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      for (let waited = 0; !output.includes('Ctrl-C stops the demo.'); waited += 200) {
        assert.ok(waited < 45_000 && child.exitCode === null, `no banner:\n${output}`);
        await delay(200);
      }
      const dashboard = /Dashboard\s+(http:\/\/127\.0\.0\.1:\d+)\/\n/.exec(output)?.[1];
      const curl = /curl -s -X POST (\S+) -H 'Content-Type: application\/json' -H "Authorization: Bearer (\S+)" -d '(.+)'/.exec(
        output,
      );
      assert.ok(dashboard && curl, output);
      const [, statsUrl = '', token = '', body = ''] = curl;
      assert.ok(statsUrl.startsWith(`${dashboard}/bucket/`));
      assert.match(output, new RegExp(`Token\\s+${token}\\n`));
      assert.match(output, /Operator token\s+data\/demo\/operator-token\n/);
      assert.ok(existsSync(join(cwd, 'data', 'demo', 'operator-token')));
      const response = await fetch(statsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { nodeStats: unknown[] }).nodeStats.length, 8);

      child.kill('SIGINT');
      const [code, signal] = await exited;
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, output);
      assert.match(output, /SIGINT: stopping the demo/);
      await assert.rejects(fetch(`${dashboard}/healthz`));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
