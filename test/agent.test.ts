import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runAgent, type AgentSettings } from '../src/cli/agent/agent-loop.js';
import { DiskBuffer } from '../src/cli/agent/disk-buffer.js';
import { NodeClient, type StatusEntry } from '../src/cli/agent/node-client.js';
import { loadNodePrivateKey } from '../src/cli/agent/node-keys.js';
import { probeStorage } from '../src/cli/agent/probe.js';
import { createNode, dayStats, stage } from './helpers/fixtures.js';
import { generateNodeKeys } from './helpers/node-signer.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';
import { asOperator, closedPort, listen, runCli } from './fixtures/cli/cli-harness.js';
import { ProbeServer } from './fixtures/cli/probe-server.js';
import { storedReports } from './fixtures/cli/report-files.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'src/cli/fbstats.ts');
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const UNKNOWN_BUCKET = '00000000-0000-4000-8000-0000000b0c4e';

const entry = (createdAt: string, bucketId = UNKNOWN_BUCKET): StatusEntry => ({
  bucketId,
  status: 'ONLINE',
  latencyMs: 5,
  createdAt,
});

describe('agent parts', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fbstats-agent-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('agent keygen writes node.key (mode 600) and node.pub, prints the public key, never overwrites', async () => {
    const out = join(dir, 'keys');
    const run = await runCli(['agent', 'keygen', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    const publicPem = readFileSync(join(out, 'node.pub'), 'utf8');
    assert.equal(run.stdout, publicPem);
    assert.match(publicPem, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.equal(statSync(join(out, 'node.key')).mode & 0o777, 0o600);
    const privateKey = await loadNodePrivateKey(join(out, 'node.key'));
    assert.equal(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }), publicPem);

    const again = await runCli(['agent', 'keygen', '--out', out]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds a node key/);
    assert.equal(readFileSync(join(out, 'node.pub'), 'utf8'), publicPem);
    writeFileSync(join(dir, 'rsa.key'), 'garbage');
    await assert.rejects(loadNodePrivateKey(join(dir, 'rsa.key')), /cannot read a private key/);
  });

  it('probes: an answer under 500 is ONLINE with its latency; a 5xx, a refused connection or a timeout is OFFLINE', async () => {
    const statuses = new Map([
      ['/ok', 200],
      ['/missing', 404],
      ['/moved', 302],
      ['/failing', 503],
    ]);
    const storage = await ProbeServer.start((request, response) => {
      if (request.url === '/slow') return; // never answers
      response.writeHead(statuses.get(request.url ?? '') ?? 200, { location: '/elsewhere' }).end('body');
    });
    const base = `http://127.0.0.1:${storage.port}`;
    for (const path of ['/ok', '/missing', '/moved']) {
      const result = await probeStorage(`${base}${path}`, 2000);
      assert.equal(result.status, 'ONLINE', path);
      assert.ok(typeof result.latencyMs === 'number' && result.latencyMs >= 0 && result.latencyMs < 2000, path);
    }
    assert.deepEqual(await probeStorage(`${base}/failing`, 2000), { status: 'OFFLINE', latencyMs: null, detail: 'HTTP 503' });
    assert.deepEqual(await probeStorage(`${base}/slow`, 200), {
      status: 'OFFLINE',
      latencyMs: null,
      detail: 'no answer within 200 ms',
    });
    await storage.stop();
    assert.deepEqual(await probeStorage(`${base}/ok`, 2000), { status: 'OFFLINE', latencyMs: null, detail: 'ECONNREFUSED' });
  });

  it('the disk buffer keeps entries in order across reopening, drops the oldest beyond its limit, skips a torn line', async () => {
    const path = join(dir, 'buffer.ndjson');
    const warnings: string[] = [];
    const buffer = await DiskBuffer.open(path, 5, (w) => warnings.push(w));
    const times = Array.from({ length: 7 }, (_, i) => `2024-02-01T10:0${i}:00.000Z`);
    await buffer.append(times.slice(0, 3).map((at) => entry(at)));
    assert.equal(readFileSync(path, 'utf8').split('\n').length, 4, 'appended at once');
    buffer.drop(1);
    await buffer.persist();
    await buffer.append(times.slice(3).map((at) => entry(at)));
    assert.deepEqual(warnings, ['buffer full: dropped the 1 oldest entries (--buffer-max 5)']);
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"bucketId":"x","sta`);

    const reopened = await DiskBuffer.open(path, 5, (w) => warnings.push(w));
    assert.deepEqual(
      reopened.oldest(10).map((e) => e.createdAt),
      times.slice(2),
    );
    assert.match(warnings[1] ?? '', /skipped 1 unreadable lines/);
    const smaller = await DiskBuffer.open(path, 2, (w) => warnings.push(w));
    assert.deepEqual(
      smaller.oldest(10).map((e) => e.createdAt),
      times.slice(5),
    );
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 2);
  });

  it('the node client signs the exact body bytes and keeps timestamps increasing when the clock stands still', async () => {
    const keys = generateNodeKeys();
    const requests: Array<{ url: string; headers: Headers; body: string }> = [];
    const fakeFetch = (async (url: string | URL, init: RequestInit) => {
      requests.push({ url: url.toString(), headers: new Headers(init.headers), body: init.body as string });
      return new Response(JSON.stringify({ success: true, accepted: 0, duplicates: 0, rejected: [], message: 'registered' }));
    }) as typeof fetch;
    const nodeId = '3f2c8a4e-5b1d-4e8f-9a7c-1d2e3f4a5b6c';
    const client = new NodeClient({
      serviceUrl: 'http://service.test/base',
      nodeId,
      privateKey: keys.privateKey,
      now: () => 1_000,
      fetch: fakeFetch,
    });
    await client.register({ ip: '10.0.0.1', region: 'r', provider: 'p', version: '1' });
    await client.sendStatus({ ip: '10.0.0.1', region: 'r', buckets: [entry('2024-02-01T10:00:00.000Z')] });
    assert.deepEqual(
      requests.map((r) => r.url),
      ['http://service.test/base/node/register', 'http://service.test/base/node/status'],
    );
    assert.deepEqual(
      requests.map((r) => (JSON.parse(r.body) as { timestamp: number }).timestamp),
      [1000, 1001],
    );
    for (const request of requests) {
      assert.equal(request.headers.get('x-node-id'), nodeId);
      const signature = Buffer.from(request.headers.get('x-signature') ?? '', 'base64');
      assert.ok(verify(null, Buffer.from(request.body), keys.publicKeyPem, signature));
    }
  });
});

for (const kind of STORE_KINDS) {
  describe(`fbstats agent against a live service (${kind})`, () => {
    let t: TestApp;
    let url: string;
    let port: number;
    let dir: string;
    let storage: ProbeServer;

    before(async () => {
      t = await startTestApp(kind);
      url = await listen(t);
      port = (t.app.server.address() as AddressInfo).port;
      dir = mkdtempSync(join(tmpdir(), 'fbstats-agent-'));
      storage = await ProbeServer.start();
    });
    after(async () => {
      await storage.stop();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** A node of the test app with its own key, and a client that signs with the test clock. */
    async function nodeOf(fetchFn?: typeof fetch): Promise<{ nodeId: string; client: () => NodeClient }> {
      const keys = generateNodeKeys();
      const nodeId = await createNode(t, { publicKey: keys.publicKeyPem });
      const client = (): NodeClient =>
        new NodeClient({
          serviceUrl: url,
          nodeId,
          privateKey: keys.privateKey,
          now: t.clock.now,
          ...(fetchFn && { fetch: fetchFn }),
        });
      return { nodeId, client };
    }

    /**
     * The loop on the test clock: each sleep runs the test's step for the
     * number of cycles done, stops the loop after `cycles`, and moves the
     * clock by the interval.
     */
    function hooks(cycles: number, steps: Record<number, () => Promise<unknown> | undefined> = {}) {
      const controller = new AbortController();
      const lines: string[] = [];
      let done = 0;
      const deps = {
        log: (line: string) => lines.push(line),
        signal: controller.signal,
        now: t.clock.now,
        sleep: async (ms: number) => {
          done++;
          await steps[done]?.();
          if (done >= cycles) controller.abort();
          t.clock.current += ms;
        },
      };
      return { lines, deps };
    }

    const settings = (bucketIds: string[], registration = {}): AgentSettings => ({
      registration: { ip: '10.9.9.9', region: 'eu-west-1', provider: 'gcp', version: '2.5.0', ...registration },
      buckets: bucketIds.map((bucketId) => ({ bucketId, url: storage.url })),
      intervalMs: 60_000,
      probeTimeoutMs: 2000,
    });

    it('a storage outage of 5 of 15 minutes shows as 66.67 % uptime today', async () => {
      t.clock.set('2024-02-01T10:00:00.000Z');
      const { bucketId } = await stage(t, 'outage');
      const node = await nodeOf();
      const buffer = await DiskBuffer.open(join(dir, 'outage.ndjson'), 1000, () => {});
      const run = hooks(15, { 5: () => storage.stop(), 10: () => storage.start() });
      const summary = await runAgent(settings([bucketId]), { ...run.deps, client: node.client(), buffer });

      assert.deepEqual(summary, { cycles: 15, sent: 15, accepted: 15, buffered: 0 });
      assert.equal(run.lines[0], `registered node ${node.nodeId}: 10.9.9.9, eu-west-1, version 2.5.0`);
      assert.equal(
        run.lines[6],
        'cycle 5: probed 1 buckets (0 ONLINE, 1 OFFLINE); sent 1, accepted 1, duplicates 0, rejected 0, buffered 0',
      );
      assert.equal(run.lines.filter((l) => / \(1 ONLINE, 0 OFFLINE\); sent 1, accepted 1, /.test(l)).length, 10);
      assert.equal(t.clock.current, Date.parse('2024-02-01T10:15:00.000Z'));
      const [stats, ...others] = await dayStats(t, bucketId, '2024-02-01');
      assert.equal(others.length, 0);
      assert.equal(stats?.perc_uptime, 66.67); // ONLINE 10:00-10:05 and 10:10-10:15, OFFLINE between
      assert.equal(stats?.node_status, 'ONLINE');
      assert.equal(stats?.last_updated, '2024-02-01T10:14:00.000Z');
      assert.deepEqual([stats?.version, stats?.ip], ['2.5.0', '10.9.9.9']);
      assert.equal(typeof stats?.avg_latency_ms, 'number');
    });

    it('while the service is down the buffer holds the entries, across an agent restart, and sends them oldest first when it is back', async () => {
      t.clock.set('2024-02-01T12:00:00.000Z');
      const { bucketId } = await stage(t, 'buffer');
      const second = (await stage(t, 'buffer-2')).bucketId;
      const delivered: StatusEntry[][] = [];
      const recording = (async (input: string | URL, init: RequestInit) => {
        const response = await fetch(input, init);
        if (response.ok && new URL(input).pathname === '/node/status') {
          delivered.push((JSON.parse(init.body as string) as { buckets: StatusEntry[] }).buckets);
        }
        return response;
      }) as typeof fetch;
      const node = await nodeOf(recording);
      const path = join(dir, 'restart.ndjson');
      const agentSettings = { ...settings([bucketId, second]), maxEntriesPerRequest: 3 };

      // The first agent: up for two cycles, then the service stops for three.
      const first = hooks(5, { 2: () => t.restart() });
      const firstRun = await runAgent(agentSettings, {
        ...first.deps,
        client: node.client(),
        buffer: await DiskBuffer.open(path, 1000, () => {}),
      });
      assert.deepEqual(firstRun, { cycles: 5, sent: 4, accepted: 4, buffered: 6 });
      assert.match(
        first.lines.at(-1) ?? '',
        /^cycle 4: .*sent 0, accepted 0, duplicates 0, rejected 0, buffered 6; not delivered: cannot reach the service at .*: ECONNREFUSED$/,
      );
      const onDisk = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as StatusEntry).createdAt);
      const expected = ['12:02', '12:02', '12:03', '12:03', '12:04', '12:04'].map((hm) => `2024-02-01T${hm}:00.000Z`);
      assert.deepEqual(onDisk, expected);

      // A new agent on the same buffer: down for its first cycle, then the service is back.
      delivered.length = 0;
      const secondAgent = hooks(2, { 1: () => t.app.listen({ port, host: '127.0.0.1' }) });
      const secondRun = await runAgent(agentSettings, {
        ...secondAgent.deps,
        client: node.client(),
        buffer: await DiskBuffer.open(path, 1000, () => {}),
      });
      assert.deepEqual(secondRun, { cycles: 2, sent: 10, accepted: 10, buffered: 0 });
      assert.deepEqual(
        delivered.map((chunk) => chunk.length),
        [3, 3, 3, 1],
      );
      assert.deepEqual(
        delivered.flat().map((e) => e.createdAt),
        [...expected, ...['12:05', '12:05', '12:06', '12:06'].map((hm) => `2024-02-01T${hm}:00.000Z`)],
      );
      assert.equal(readFileSync(path, 'utf8'), '');
      assert.equal(await storedReports(t, [node.nodeId]), 14);
      const [stats] = await dayStats(t, bucketId, '2024-02-01');
      assert.equal(stats?.perc_uptime, 100); // measured while the service was down, landed where measured
      assert.equal(stats?.last_updated, '2024-02-01T12:06:00.000Z');
    });

    it('entries the service rejects are logged and dropped, not retried; a malformed registration stops the agent', async () => {
      t.clock.set('2024-02-01T14:00:00.000Z');
      const { bucketId } = await stage(t, 'rejected');
      const node = await nodeOf();
      const buffer = await DiskBuffer.open(join(dir, 'rejected.ndjson'), 1000, () => {});
      const run = hooks(2);
      const summary = await runAgent(settings([bucketId, UNKNOWN_BUCKET]), { ...run.deps, client: node.client(), buffer });
      assert.deepEqual(summary, { cycles: 2, sent: 4, accepted: 2, buffered: 0 });
      assert.ok(
        run.lines.includes(`rejected bucket ${UNKNOWN_BUCKET} at 2024-02-01T14:00:00.000Z: no bucket ${UNKNOWN_BUCKET}`),
        run.lines.join('\n'),
      );
      assert.ok(
        run.lines.includes(
          'cycle 1: probed 2 buckets (2 ONLINE, 0 OFFLINE); sent 2, accepted 1, duplicates 0, rejected 1, buffered 0',
        ),
      );

      const broken = hooks(1);
      await assert.rejects(
        runAgent(settings([bucketId], { ip: 'not-an-ip' }), { ...broken.deps, client: node.client(), buffer }),
        /registration refused: ip must be an IPv4 or IPv6 address/,
      );
    });

    it('fbstats agent run: registers, reports every 0.2 s, stops with exit 0 on SIGTERM keeping its buffer file', async () => {
      t.clock.current = Date.now(); // the child signs with the real clock
      const { bucketId } = await stage(t, 'process');
      const keyDir = join(dir, 'process-keys');
      assert.equal((await runCli(['agent', 'keygen', '--out', keyDir])).code, 0);
      const created = await runCli([
        'node',
        'create',
        ...asOperator(url),
        '--ip',
        '10.3.3.3',
        '--host',
        'agent.example.com',
        '--region',
        'eu',
        '--provider',
        'p',
        '--version',
        '0.0.1',
        '--public-key',
        join(keyDir, 'node.pub'),
        '--json',
      ]);
      const nodeId = (JSON.parse(created.stdout) as { node: { id: string } }).node.id;
      const buffer = join(dir, 'process-buffer.ndjson');
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          CLI,
          'agent',
          'run',
          '--service',
          url,
          '--node-id',
          nodeId,
          '--key',
          join(keyDir, 'node.key'),
          '--ip',
          '10.3.3.4',
          '--region',
          'eu',
          '--provider',
          'p',
          '--bucket',
          `${bucketId}=${storage.url}`,
          '--bucket',
          `${UNKNOWN_BUCKET}=http://127.0.0.1:${await closedPort()}/`,
          '--interval',
          '0.2',
          '--timeout',
          '1',
          '--buffer',
          buffer,
        ],
        { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = once(child, 'exit');
      for (
        let waited = 0;
        (stderr.match(/ cycle \d+: .*accepted 1, duplicates 0, rejected 1, buffered 0/g) ?? []).length < 3;
        waited += 50
      ) {
        assert.ok(waited < 15_000 && child.exitCode === null, stderr);
        await delay(50);
      }
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null, NodeJS.Signals | null];
      assert.equal(code, 0, stderr);
      assert.match(stderr, /registered node .+: 10\.3\.3\.4, eu, version /);
      assert.match(stderr, / cycle 0: probed 2 buckets \(1 ONLINE, 1 OFFLINE\)/);
      assert.match(stderr, /stopped after \d+ cycles; 0 entries kept in /);
      assert.equal(readFileSync(buffer, 'utf8'), '');

      t.clock.current = Date.now();
      const [stats] = await dayStats(t, bucketId, new Date(t.clock.current).toISOString());
      assert.equal(stats?.node_status, 'ONLINE');
      assert.deepEqual([stats?.ip, stats?.version, stats?.host], ['10.3.3.4', PACKAGE_VERSION, 'agent.example.com']);
      assert.ok((await storedReports(t, [nodeId])) >= 3);
    });
  });
}
