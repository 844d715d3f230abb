import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { envToConfig } from '../src/config/config.js';
import { TokenTouches } from '../src/http/token-touches.js';
import { openServiceStore, type ServiceStore } from '../src/ingest/service-store.js';
import { OPERATOR_TOKEN } from './helpers/test-app.js';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from './helpers/test-stores.js';

const LAST_USE_FAILED = "could not record the token's last use";

/** Makes every write of a token's last use fail, as a real failed write would: by a trigger that refuses it. */
async function refuseLastUseWrites(store: ServiceStore): Promise<void> {
  if (store.kind === 'sqlite') {
    await sql`CREATE TRIGGER refuse_touch BEFORE UPDATE OF last_used_at ON tokens BEGIN SELECT RAISE(ABORT, 'last use refused by the test'); END`.execute(
      store.db,
    );
    return;
  }
  await sql`CREATE FUNCTION refuse_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'last use refused by the test'; END $$`.execute(
    store.db,
  );
  await sql`CREATE TRIGGER refuse_touch BEFORE UPDATE OF last_used_at ON tokens FOR EACH ROW EXECUTE FUNCTION refuse_touch()`.execute(
    store.db,
  );
}

/** Settles with the answer, or rejects once `ms` pass without one. */
async function within(ms: number, answer: Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  const timeout = delay(ms).then(() => {
    throw new Error(`no answer within ${ms} ms`);
  });
  return Promise.race([answer, timeout]);
}

for (const kind of STORE_KINDS) {
  describe(`a token's last-use write (${kind})`, () => {
    let database: TestDatabase;
    let store: ServiceStore;
    let app: FastifyInstance;
    const log: string[] = [];

    const asOperator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    /** A new user's token: its first call is the one that writes its last use. */
    async function newToken(): Promise<{ tokenId: string; token: string }> {
      const email = `touch-${Math.random().toString(36).slice(2)}@example.com`;
      const user = await app.inject({
        method: 'POST',
        url: '/admin/users',
        headers: asOperator,
        payload: { email, name: 'Touch' },
      });
      const userId = user.json<{ user: { id: string } }>().user.id;
      const issued = await app.inject({
        method: 'POST',
        url: `/admin/users/${userId}/tokens`,
        headers: asOperator,
        payload: { name: 't' },
      });
      return issued.json<{ tokenId: string; token: string }>();
    }
    const listWorkspaces = (token: string) =>
      app.inject({ method: 'GET', url: '/workspace', headers: { authorization: `Bearer ${token}` } });
    async function lastUsedAt(tokenId: string): Promise<number | null> {
      return (await store.tokens.find(tokenId))?.last_used_at ?? null;
    }

    before(async () => {
      database = await createTestDatabase(kind);
      const config = envToConfig({
        DATABASE_URL: database.url,
        FLASHBACK_ADMIN_TOKEN: OPERATOR_TOKEN,
        RATE_LIMIT_PER_MINUTE: '0',
      });
      store = await openServiceStore({ databaseUrl: config.databaseUrl, staleAfterMs: 180_000 });
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          log.push(chunk.toString());
          done();
        },
      });
      app = await buildApp({ config, store, operatorToken: OPERATOR_TOKEN, logger: { level: 'warn', stream } });
    });
    after(async () => {
      await app.close();
      await store.close();
      await database.drop();
    });

    if (kind === 'postgres') {
      it('is not waited for: a call answers while another transaction holds the token row', async () => {
        const { tokenId, token } = await newToken();
        const locker = new pg.Client({ connectionString: database.url });
        await locker.connect();
        let answer: Promise<LightMyRequestResponse> | undefined;
        try {
          await locker.query('BEGIN');
          await locker.query('SELECT id FROM tokens WHERE id = $1 FOR UPDATE', [tokenId]);
          answer = listWorkspaces(token);
          assert.equal((await within(5_000, answer)).statusCode, 200);
        } finally {
          await locker.query('COMMIT');
          await locker.end();
          await answer;
        }
        // The write went through once the row was free.
        for (let i = 0; i < 100 && (await lastUsedAt(tokenId)) === null; i++) await delay(50);
        assert.notEqual(await lastUsedAt(tokenId), null);
      });
    } else {
      it('does not fail the call when it meets SQLITE_BUSY (another connection holds the write lock)', async () => {
        const { token } = await newToken();
        const locker = new Database(database.url.slice('sqlite:'.length));
        try {
          locker.exec('BEGIN IMMEDIATE');
          assert.equal((await listWorkspaces(token)).statusCode, 200);
        } finally {
          locker.exec('ROLLBACK');
          locker.close();
        }
      });
    }

    it('does not fail the call when it fails: the answer is 200 and the failure is logged', async () => {
      const { tokenId, token } = await newToken();
      await refuseLastUseWrites(store);
      const res = await listWorkspaces(token);
      assert.equal(res.statusCode, 200, res.body);
      const logged = () => log.find((l) => l.includes(LAST_USE_FAILED) && l.includes(tokenId));
      for (let i = 0; i < 100 && !logged(); i++) await delay(50);
      const line = logged();
      assert.ok(line, `the failed write is logged; the log: ${log.join('')}`);
      assert.match(line, /last use refused by the test/);
      assert.equal(await lastUsedAt(tokenId), null);
    });
  });
}

describe('TokenTouches', () => {
  it('writes a token at most once a minute, and the first time at once', () => {
    const touches = new TokenTouches();
    assert.equal(touches.due('a', 0), true);
    assert.equal(touches.due('a', 59_999), false);
    assert.equal(touches.due('b', 59_999), true);
    assert.equal(touches.due('a', 60_000), true);
    assert.equal(touches.due('a', 60_001), false);
  });

  it('remembers at most 10 000 tokens, however many it has seen: 200 000 tokens touched', () => {
    const touches = new TokenTouches();
    for (let i = 0; i < 200_000; i++) assert.equal(touches.due(`token-${i}`, 1_000), true);
    assert.equal(touches.size, 10_000);
    // The most recent are remembered; a forgotten one is merely written again.
    assert.equal(touches.due('token-199999', 2_000), false);
    assert.equal(touches.due('token-0', 2_000), true);
  });
});
