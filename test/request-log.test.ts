import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { envToConfig } from '../src/config/config.js';
import { openServiceStore, type ServiceStore } from '../src/ingest/service-store.js';
import { OPERATOR_TOKEN } from './helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-stores.js';

let database: TestDatabase;
let store: ServiceStore;
let app: FastifyInstance;
const lines: Array<Record<string, unknown>> = [];

before(async () => {
  database = await createTestDatabase('sqlite');
  const config = envToConfig({ DATABASE_URL: database.url, FLASHBACK_ADMIN_TOKEN: OPERATOR_TOKEN });
  store = await openServiceStore({ databaseUrl: config.databaseUrl, staleAfterMs: 180_000 });
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  app = await buildApp({ config, store, operatorToken: OPERATOR_TOKEN, logger: { level: 'info', stream } });
});

after(async () => {
  await app.close();
  await store.close();
  await database.drop();
});

test('each answered request is one info line with method, path without query, status and time', async () => {
  lines.length = 0;
  await app.inject({ method: 'GET', url: '/bucket?workspaceId=secret-looking-value', headers: { authorization: 'Bearer nope' } });
  await app.inject({ method: 'GET', url: '/healthz' });
  const requests = lines.filter((l) => l.msg === 'request');
  assert.equal(requests.length, 2, JSON.stringify(lines));
  assert.equal(lines.length, 2, 'no other line per request (Fastify logs two by default)');
  assert.deepEqual(
    requests.map((l) => [l.method, l.path, l.statusCode]),
    [
      ['GET', '/bucket', 401],
      ['GET', '/healthz', 200],
    ],
  );
  assert.equal(typeof requests[0]?.ms, 'number');
  assert.ok(!JSON.stringify(lines).includes('secret-looking-value'));
});
