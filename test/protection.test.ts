import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { envToConfig } from '../src/config/config.js';
import { openServiceStore } from '../src/ingest/service-store.js';
import { createMember } from './helpers/fixtures.js';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from './helpers/test-app.js';
import { createTestDatabase, STORE_KINDS } from './helpers/test-stores.js';

/** Sends raw bytes over a socket and reads the whole answer. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

for (const kind of STORE_KINDS) {
  describe(`limits and headers (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind, { env: { RATE_LIMIT_PER_MINUTE: '5' } });
    });
    after(() => t.close());

    it('answers 429 with Retry-After past the limit, per token and per client address', async () => {
      const member = await createMember(t, 'limited@example.com');
      const call = (token: string | null) => t.call({ method: 'GET', url: '/workspace', token });
      for (let i = 0; i < 5; i++) assert.equal((await call(member.token)).statusCode, 200);
      const limited = await call(member.token);
      assert.equal(limited.statusCode, 429);
      assert.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After names the seconds to wait');
      assert.equal(limited.json<{ success: boolean }>().success, false);
      assert.match(limited.json<{ message: string }>().message, /at most 5 a minute/);
      // Another token has its own budget; so do anonymous callers.
      assert.equal((await call(OPERATOR_TOKEN)).statusCode, 200);
      for (let i = 0; i < 5; i++) await t.call({ method: 'GET', url: '/healthz', token: null });
      assert.equal((await t.call({ method: 'GET', url: '/healthz', token: null })).statusCode, 429);
    });

    it('sends security headers', async () => {
      const res = await t.call({ method: 'GET', url: '/openapi.json' });
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.ok(res.headers['strict-transport-security']);
      assert.equal(res.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
      assert.equal(res.headers['x-frame-options'], 'DENY');
      // Pages get helmet's whole set: their CSP lets them load their own scripts.
      const page = await t.call({ method: 'GET', url: '/', token: null });
      assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
    });
  });

  describe(`what Node rejects before routing (${kind})`, () => {
    let t: TestApp;
    let port: number;
    before(async () => {
      t = await startTestApp(kind);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as AddressInfo).port;
    });
    after(() => t.close());

    it('answers oversized headers with 431 in the error shape', async () => {
      const answer = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      assert.match(answer, /^HTTP\/1\.1 431 /);
      assert.match(answer, /\{"success":false,"message":"the request headers are too large"\}$/);
    });

    it('answers a broken request line with 400 in the error shape', async () => {
      const answer = await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n');
      assert.match(answer, /^HTTP\/1\.1 400 /);
      assert.match(answer, /"success":false/);
    });
  });
}

describe('logs', () => {
  it('never hold tokens, Authorization headers or signatures', async () => {
    const database = await createTestDatabase('sqlite');
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const config = envToConfig({ DATABASE_URL: database.url, FLASHBACK_ADMIN_TOKEN: OPERATOR_TOKEN, RATE_LIMIT_PER_MINUTE: '0' });
    const store = await openServiceStore({ databaseUrl: config.databaseUrl, staleAfterMs: 180_000 });
    const app = await buildApp({ config, store, operatorToken: OPERATOR_TOKEN, logger: { level: 'trace', stream } });
    const t = { call: (options: InjectOptions) => app.inject(options) };
    const created = await t.call({
      method: 'POST',
      url: '/admin/users',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      payload: { email: 'log@example.com', name: 'Log' },
    });
    const userId = created.json<{ user: { id: string } }>().user.id;
    const issued = await t.call({
      method: 'POST',
      url: `/admin/users/${userId}/tokens`,
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      payload: { name: 'x' },
    });
    const secret = issued.json<{ token: string }>().token;
    await t.call({ method: 'GET', url: '/workspace', headers: { authorization: `Bearer ${secret}` } });
    await t.call({ method: 'GET', url: '/workspace', headers: { authorization: 'Bearer fbk_wrong-token-value' } });
    await t.call({
      method: 'POST',
      url: '/node/status',
      headers: { 'x-node-id': userId, 'x-signature': 'c2lnbmF0dXJlLXNlY3JldA==', 'content-type': 'application/json' },
      payload: '{}',
    });
    await app.close();
    await store.close();
    await database.drop();
    const log = lines.join('');
    assert.ok(log.length > 0, 'the app logged');
    for (const secretText of [OPERATOR_TOKEN, secret, 'fbk_wrong-token-value', 'c2lnbmF0dXJlLXNlY3JldA==', 'authorization']) {
      assert.ok(!log.toLowerCase().includes(secretText.toLowerCase()), `the log holds ${secretText}`);
    }
  });
});
