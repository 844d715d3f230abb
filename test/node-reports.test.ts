import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { dayStats, stage } from './helpers/fixtures.js';
import { generateNodeKeys, SignedNode } from './helpers/node-signer.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const NOW = '2024-02-01T12:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface Entry {
  bucketId: string;
  status: string;
  latencyMs?: number | null;
  createdAt: string;
}

const entry = (bucketId: string, createdAt: string, status = 'ONLINE', latencyMs: number | null = 40): Entry => ({
  bucketId,
  status,
  latencyMs,
  createdAt,
});

const statusBody = (buckets: unknown, timestamp: number = NOW_MS) => ({
  ip: '10.0.0.1',
  region: 'us-east-1',
  timestamp,
  buckets,
});

const registerBody = (timestamp: number, fields: Record<string, string> = {}) => ({
  ip: '10.1.2.3',
  region: 'eu-west-1',
  provider: 'gcp',
  version: '2.0.0',
  ...fields,
  timestamp,
});

/** `count` entries of one bucket, one minute apart, ending at `NOW`. */
function manyEntries(bucketId: string, count: number): Entry[] {
  return Array.from({ length: count }, (_, i) => entry(bucketId, new Date(NOW_MS - (count - i) * 60_000).toISOString()));
}

function expectRefused(res: LightMyRequestResponse, status: number, message?: RegExp): void {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json<{ success: unknown; message: unknown }>();
  assert.deepEqual(Object.keys(body).sort(), ['message', 'success']);
  assert.equal(body.success, false);
  assert.equal(typeof body.message, 'string');
  if (message) assert.match(body.message as string, message);
}

for (const kind of STORE_KINDS) {
  describe(`signed node requests (${kind})`, () => {
    let t: TestApp;

    before(async () => {
      // Distinct late-report and raw-report limits, so that each rejection is told apart.
      t = await startTestApp(kind, { now: NOW, env: { LATE_REPORT_DAYS: '3', RAW_RETENTION_DAYS: '5' } });
    });
    after(() => t.close());
    beforeEach(() => t.clock.set(NOW));

    /** What the store holds for a node: its reports, re-registrations and replay guard. */
    async function storedFor(nodeId: string): Promise<{ reports: number; registrations: number; lastTimestamp: number | null }> {
      const reports = await t.store.db
        .selectFrom('all_reports')
        .innerJoin('series', 'series.id', 'all_reports.series_id')
        .select('all_reports.at')
        .where('series.node_id', '=', nodeId)
        .execute();
      const registrations = await t.store.db
        .selectFrom('node_registrations')
        .select('at')
        .where('node_id', '=', nodeId)
        .execute();
      const node = await t.store.nodes.find(nodeId);
      return { reports: reports.length, registrations: registrations.length, lastTimestamp: node?.last_timestamp ?? null };
    }

    const untouched = { reports: 0, registrations: 0, lastTimestamp: null };

    it('stores a signed status report and answers what it accepted', async () => {
      const { bucketId } = await stage(t, 'status');
      const node = await SignedNode.create(t);
      const buckets = [entry(bucketId, '2024-02-01T11:59:00.000Z'), entry(bucketId, '2024-02-01T11:59:30.000Z', 'ONLINE', null)];
      const res = await node.send('/node/status', statusBody(buckets));
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { success: true, accepted: 2, duplicates: 0, rejected: [] });
      const [stats, ...others] = await dayStats(t, bucketId, '2024-02-01');
      assert.equal(others.length, 0);
      assert.equal(stats?.last_updated, '2024-02-01T11:59:30.000Z');
      assert.equal(stats?.node_status, 'ONLINE');
      assert.equal(stats?.avg_latency_ms, 40);
      assert.equal(stats?.last_latency_ms, null);
      assert.deepEqual(await storedFor(node.id), { reports: 2, registrations: 0, lastTimestamp: NOW_MS });
    });

    it('lists unknown buckets, too old and too far ahead entries in rejected, and stores the rest', async () => {
      const { bucketId } = await stage(t, 'mixed');
      const node = await SignedNode.create(t);
      const buckets = [
        entry(bucketId, '2024-02-01T11:00:00.000Z'),
        entry(UNKNOWN_ID, '2024-02-01T11:00:00.000Z'),
        entry(bucketId, '2024-01-28T11:00:00.000Z'), // 4 days: beyond LATE_REPORT_DAYS=3
        entry(bucketId, '2024-01-26T11:00:00.000Z'), // 6 days: beyond RAW_RETENTION_DAYS=5
        entry(bucketId, '2024-02-01T12:05:00.001Z'), // 300.001 s ahead
        entry(bucketId, '2024-02-01T12:05:00.000Z'), // exactly 300 s ahead: still accepted
        entry(bucketId.toUpperCase(), '2024-02-01T13:30:00+02:00'), // ids in any case, times with any offset
      ];
      const res = await node.send('/node/status', statusBody(buckets));
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<{
        accepted: number;
        duplicates: number;
        rejected: Array<{ bucketId: string; createdAt: string; message: string }>;
      }>();
      assert.equal(body.accepted, 3);
      assert.equal(body.duplicates, 0);
      assert.deepEqual(
        body.rejected.map(({ bucketId: id, createdAt }) => ({ bucketId: id, createdAt })),
        [
          { bucketId: UNKNOWN_ID, createdAt: '2024-02-01T11:00:00.000Z' },
          { bucketId, createdAt: '2024-01-28T11:00:00.000Z' },
          { bucketId, createdAt: '2024-01-26T11:00:00.000Z' },
          { bucketId, createdAt: '2024-02-01T12:05:00.001Z' },
        ],
      );
      const messages = body.rejected.map((r) => r.message);
      assert.match(messages[0] as string, /no bucket/);
      assert.match(messages[1] as string, /LATE_REPORT_DAYS=3/);
      assert.match(messages[2] as string, /RAW_RETENTION_DAYS=5/);
      assert.match(messages[3] as string, /300 s ahead/);
      assert.equal((await storedFor(node.id)).reports, 3);
      // Today's window ends now: the entry 300 s ahead is stored but not yet part of it.
      assert.equal((await dayStats(t, bucketId, '2024-02-01'))[0]?.last_updated, '2024-02-01T11:30:00.000Z');
      assert.deepEqual(await dayStats(t, bucketId, '2024-01-28'), []);
      assert.deepEqual(await dayStats(t, bucketId, '2024-01-26'), []);
    });

    it('an entry measured yesterday lands on yesterday', async () => {
      const { bucketId } = await stage(t, 'late');
      const node = await SignedNode.create(t);
      const res = await node.send('/node/status', statusBody([entry(bucketId, '2024-01-31T10:00:00.000Z', 'ONLINE', 25)]));
      assert.equal(res.statusCode, 200, res.body);
      const [yesterday] = await dayStats(t, bucketId, '2024-01-31');
      assert.equal(yesterday?.last_updated, '2024-01-31T10:00:00.000Z');
      assert.equal(yesterday?.avg_latency_ms, 25);
      assert.equal(yesterday?.perc_uptime, 0.36); // 180 s ONLINE of the 14 h from 10:00
      const [today] = await dayStats(t, bucketId, '2024-02-01');
      assert.equal(today?.avg_latency_ms, null);
      assert.equal(today?.perc_uptime, 0);
      assert.equal(today?.node_status, 'DISCONNECTED');
    });

    it('a re-signed retry counts the entries already stored as duplicates', async () => {
      const { bucketId } = await stage(t, 'retry');
      const node = await SignedNode.create(t);
      const sent = [entry(bucketId, '2024-02-01T11:00:00.000Z'), entry(bucketId, '2024-02-01T11:01:00.000Z')];
      const first = statusBody(sent, NOW_MS - 5000);
      assert.equal((await node.send('/node/status', first)).statusCode, 200);
      const retry = await node.send(
        '/node/status',
        statusBody([...sent, entry(bucketId, '2024-02-01T11:02:00.000Z')], NOW_MS - 4000),
      );
      assert.equal(retry.statusCode, 200, retry.body);
      assert.deepEqual(retry.json(), { success: true, accepted: 1, duplicates: 2, rejected: [] });
      // The same bytes again are a replay, not a retry.
      expectRefused(await node.send('/node/status', first), 401, /not greater/);
      assert.equal((await storedFor(node.id)).reports, 3);
    });

    it('a re-registration is visible from now on: today, not yesterday', async () => {
      const { bucketId } = await stage(t, 'register');
      const node = await SignedNode.create(t, { ip: '192.168.1.100', host: 'node-1.example.com', version: '1.0.0' });
      const reports = [entry(bucketId, '2024-01-31T10:00:00.000Z'), entry(bucketId, '2024-02-01T11:00:00.000Z')];
      assert.equal((await node.send('/node/status', statusBody(reports, NOW_MS - 1000))).statusCode, 200);

      const res = await node.send('/node/register', registerBody(NOW_MS, { host: 'node-7.example.com' }));
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { success: true, message: 'registered' });
      t.clock.current += 1000; // today's window ends now; the registration is dated the instant it arrived
      const [today] = await dayStats(t, bucketId, '2024-02-01');
      assert.deepEqual([today?.version, today?.ip, today?.host], ['2.0.0', '10.1.2.3', 'node-7.example.com']);
      const [yesterday] = await dayStats(t, bucketId, '2024-01-31');
      assert.deepEqual([yesterday?.version, yesterday?.ip, yesterday?.host], ['1.0.0', '192.168.1.100', 'node-1.example.com']);

      // Without host, the host stays as registered.
      const again = await node.send('/node/register', registerBody(t.clock.now(), { version: '2.1.0' }));
      assert.equal(again.statusCode, 200, again.body);
      t.clock.current += 1000;
      const [later] = await dayStats(t, bucketId, '2024-02-01');
      assert.deepEqual([later?.version, later?.host], ['2.1.0', 'node-7.example.com']);
      assert.equal((await storedFor(node.id)).registrations, 2);
    });

    it('the last accepted timestamp moves only with a 200', async () => {
      const { bucketId } = await stage(t, 'guard');
      const node = await SignedNode.create(t);
      const ts = NOW_MS - 10_000;
      const good = [entry(bucketId, '2024-02-01T11:00:00.000Z')];
      expectRefused(await node.send('/node/status', statusBody([entry(bucketId, 'yesterday')], ts)), 400);
      expectRefused(await node.send('/node/status', statusBody(manyEntries(bucketId, 1001), ts)), 413);
      expectRefused(await node.send('/node/status', statusBody(good, ts), { signWith: generateNodeKeys().privateKey }), 401);
      assert.deepEqual(await storedFor(node.id), untouched);

      assert.equal((await node.send('/node/status', statusBody(good, ts))).statusCode, 200);
      assert.equal((await storedFor(node.id)).lastTimestamp, ts);
      expectRefused(await node.send('/node/status', statusBody(good, ts)), 401, /not greater than the last one accepted/);
      expectRefused(await node.send('/node/register', registerBody(ts - 1)), 401, /not greater/);
      expectRefused(await node.send('/node/register', registerBody(ts + 1, { ip: 'not-an-ip' })), 400, /ip/);
      assert.deepEqual(await storedFor(node.id), { reports: 1, registrations: 0, lastTimestamp: ts });

      assert.equal((await node.send('/node/register', registerBody(ts + 1))).statusCode, 200);
      assert.equal((await storedFor(node.id)).lastTimestamp, ts + 1);
    });

    it('401: missing headers, a malformed or unknown node id; nothing stored', async () => {
      const { bucketId } = await stage(t, 'headers');
      const node = await SignedNode.create(t);
      const body = statusBody([entry(bucketId, '2024-02-01T11:00:00.000Z')]);
      for (const url of ['/node/status', '/node/register']) {
        const payload = url === '/node/status' ? body : registerBody(NOW_MS);
        expectRefused(await node.send(url, payload, { nodeId: null }), 401, /missing X-Node-Id/);
        expectRefused(await node.send(url, payload, { signature: null }), 401, /missing X-Signature/);
        expectRefused(await node.send(url, payload, { signature: '' }), 401, /missing X-Signature/);
        expectRefused(await node.send(url, payload, { nodeId: 'node-1' }), 401, /unknown node/);
        expectRefused(await node.send(url, payload, { nodeId: UNKNOWN_ID }), 401, /unknown node/);
      }
      assert.deepEqual(await storedFor(node.id), untouched);
      assert.deepEqual(await dayStats(t, bucketId, '2024-02-01'), []);
    });

    it("401: a forged signature, another node's key, a tampered body, junk in X-Signature; nothing stored", async () => {
      const { bucketId } = await stage(t, 'forged');
      const node = await SignedNode.create(t);
      const other = await SignedNode.create(t);
      const body = statusBody([entry(bucketId, '2024-02-01T11:00:00.000Z')]);
      const text = JSON.stringify(body);
      const forgeries = [
        { signWith: generateNodeKeys().privateKey },
        { signWith: other.keys.privateKey },
        { nodeId: other.id },
        { signedText: JSON.stringify({ ...body, buckets: [] }) },
        { signedText: `${text} ` }, // the exact bytes are signed, whitespace included
        { signature: 'not base64!' },
        { signature: Buffer.alloc(63).toString('base64') },
        { signature: Buffer.alloc(64).toString('base64') },
        { signature: `${Buffer.alloc(64).toString('base64')}AAAA` },
      ];
      for (const forgery of forgeries) {
        expectRefused(await node.send('/node/status', text, forgery), 401, /X-Signature is not a valid Ed25519 signature/);
        expectRefused(await node.send('/node/register', registerBody(NOW_MS), forgery), 401);
      }
      assert.deepEqual(await storedFor(node.id), untouched);
      assert.deepEqual(await storedFor(other.id), untouched);
      assert.deepEqual(await dayStats(t, bucketId, '2024-02-01'), []);
    });

    it('401: a timestamp more than 300 s from the clock, or a replay; nothing stored', async () => {
      const { bucketId } = await stage(t, 'timestamp');
      const node = await SignedNode.create(t);
      const buckets = [entry(bucketId, '2024-02-01T11:00:00.000Z')];
      expectRefused(await node.send('/node/status', statusBody(buckets, NOW_MS - 300_001)), 401, /300 s away/);
      expectRefused(await node.send('/node/status', statusBody(buckets, NOW_MS + 300_001)), 401, /300 s away/);
      expectRefused(await node.send('/node/register', registerBody(NOW_MS - 300_001)), 401, /300 s away/);
      const overflowing = JSON.stringify(statusBody(buckets, 0)).replace('"timestamp":0', '"timestamp":1e400'); // Infinity
      expectRefused(await node.send('/node/status', overflowing), 401, /300 s away/);
      assert.deepEqual(await storedFor(node.id), untouched);

      assert.equal((await node.send('/node/status', statusBody(buckets, NOW_MS - 300_000))).statusCode, 200);
      const later = [entry(bucketId, '2024-02-01T11:30:00.000Z')];
      expectRefused(await node.send('/node/status', statusBody(later, NOW_MS - 300_000)), 401, /not greater/);
      t.clock.current += 1000; // the same timestamp, now further back, is still a replay
      expectRefused(await node.send('/node/status', statusBody(later, NOW_MS - 300_000)), 401);
      assert.deepEqual(await storedFor(node.id), { reports: 1, registrations: 0, lastTimestamp: NOW_MS - 300_000 });
      assert.equal((await node.send('/node/status', statusBody(later, t.clock.now() + 300_000))).statusCode, 200);
    });

    it('401 outranks 413, 415 and 400', async () => {
      const { bucketId } = await stage(t, 'order');
      const node = await SignedNode.create(t);
      const forged = { signWith: generateNodeKeys().privateKey };
      const many = statusBody(manyEntries(bucketId, 1001));
      expectRefused(await node.send('/node/status', many, { nodeId: null }), 401);
      expectRefused(await node.send('/node/status', many, forged), 401);
      expectRefused(await node.send('/node/status', statusBody(manyEntries(bucketId, 1001), NOW_MS - 400_000)), 401);
      expectRefused(await node.send('/node/status', 'ip=1', { signature: null, contentType: 'text/plain' }), 401);
      expectRefused(await node.send('/node/status', statusBody([entry('bucket-1', 'soon', 'UP')]), forged), 401);
      expectRefused(await node.send('/node/register', { timestamp: NOW_MS }, forged), 401);
      expectRefused(await node.send('/node/register', registerBody(NOW_MS - 400_000, { ip: 'nope' })), 401);
      // With valid credentials, size comes before shape.
      const bad = [...manyEntries(bucketId, 1000), entry('bucket-1', 'soon', 'UP')];
      expectRefused(await node.send('/node/status', statusBody(bad)), 413, /at most 1000 entries/);
      assert.deepEqual(await storedFor(node.id), untouched);
    });

    it('400: bodies without the documented shape; nothing stored', async () => {
      const { bucketId } = await stage(t, 'shape');
      const node = await SignedNode.create(t);
      const valid = entry(bucketId, '2024-02-01T11:00:00.000Z');
      const statusCases: Array<[unknown, RegExp]> = [
        [statusBody([{ ...valid, bucketId: 'bucket-1' }]), /buckets\[0\]\.bucketId must be a UUID/],
        [statusBody([{ ...valid, status: 'UP' }]), /buckets\[0\]\.status must be one of ONLINE, OFFLINE, DISCONNECTED/],
        [statusBody([valid, { ...valid, createdAt: '2024-02-01 11:00:00' }]), /buckets\[1\]\.createdAt must be an RFC 3339/],
        [statusBody([valid, { ...valid, createdAt: '2024-01-30T11:00:00.0000Z' }]), /buckets\[1\]\.createdAt/],
        [statusBody([{ ...valid, createdAt: '2024-02-30T11:00:00Z' }]), /buckets\[0\]\.createdAt/],
        [statusBody([{ ...valid, createdAt: 1706785200000 }]), /buckets\[0\]\.createdAt must be string/],
        [statusBody([{ ...valid, latencyMs: -1 }]), /latencyMs/],
        [statusBody([{ ...valid, latencyMs: '40' }]), /latencyMs/],
        [statusBody([{ bucketId, status: 'ONLINE' }]), /"createdAt"/],
        [statusBody({ [bucketId]: valid }), /buckets must be array/],
        [{ ip: '10.0.0.1', region: 'us-east-1', buckets: [valid] }, /"timestamp"/],
        [{ ...statusBody([valid]), timestamp: String(NOW_MS) }, /timestamp must be integer/],
        [{ ...statusBody([valid]), timestamp: NOW_MS + 0.5 }, /timestamp must be integer/],
        [{ ...statusBody([valid]), ip: 'not-an-ip' }, /ip must be an IPv4 or IPv6 address/],
        [{ ...statusBody([valid]), region: '   ' }, /region must be 1-200 characters/],
        [[valid], /the body must be a JSON object/],
        ['{"timestamp": ', /not valid JSON/],
      ];
      for (const [body, message] of statusCases) {
        expectRefused(await node.send('/node/status', body), 400, message);
      }
      const registerCases: Array<[unknown, RegExp]> = [
        [registerBody(NOW_MS, { ip: '10.0.0' }), /ip must be an IPv4 or IPv6 address/],
        [registerBody(NOW_MS, { host: 'Node_1.example.com' }), /host must be/],
        [registerBody(NOW_MS, { version: ' ' }), /version must be 1-200 characters/],
        [{ ip: '10.1.2.3', region: 'eu-west-1', version: '2.0.0', timestamp: NOW_MS }, /"provider"/],
        [{ ...registerBody(NOW_MS), timestamp: null }, /timestamp must be integer/],
      ];
      for (const [body, message] of registerCases) {
        expectRefused(await node.send('/node/register', body), 400, message);
      }
      assert.deepEqual(await storedFor(node.id), untouched);
      assert.deepEqual(await dayStats(t, bucketId, '2024-02-01'), []);
    });

    it('413 beyond 1000 entries; 1000 are stored', async () => {
      const { bucketId } = await stage(t, 'limit');
      const node = await SignedNode.create(t);
      expectRefused(await node.send('/node/status', statusBody(manyEntries(bucketId, 1001))), 413, /at most 1000 entries/);
      assert.deepEqual(await storedFor(node.id), untouched);
      const res = await node.send('/node/status', statusBody(manyEntries(bucketId, 1000)));
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { success: true, accepted: 1000, duplicates: 0, rejected: [] });
    });

    it('X-Node-Id is matched case-insensitively', async () => {
      const node = await SignedNode.create(t);
      const res = await node.send('/node/register', registerBody(NOW_MS), { nodeId: node.id.toUpperCase() });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await storedFor(node.id)).registrations, 1);
    });
  });
}
