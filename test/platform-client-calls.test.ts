import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../src/store/database-schema.js';
import { AccessType, ApiClient, HttpError, StorageType } from '../packages/client/src/index.js';
import { createBucket, createMember, createWorkspace } from './helpers/fixtures.js';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * A call as the platform's published `ApiClient` makes it (read from its
 * public source; client-types.md): the path as the method builds it (query
 * strings by string concatenation, so a missing argument is the text
 * `undefined`), `Authorization` once a token is set, and a JSON body with
 * `Content-Type: application/json` only when there is data.
 */
function platformCall(t: TestApp, token: string, method: 'GET' | 'PUT' | 'DELETE', path: string, data: object | null = null) {
  const body = data === null ? undefined : JSON.stringify(data);
  return t.app.inject({
    method,
    url: `/${path}`,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { payload: body }),
  });
}

/**
 * Until a statement of another connection waits for a lock (PostgreSQL), or
 * a moment (SQLite, whose one connection queues the statement anyway).
 */
async function untilAnotherWaits(t: TestApp): Promise<void> {
  if (t.kind === 'sqlite') return void (await delay(50));
  for (let waited = 0; ; waited += 20) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(t.store.db);
    if ((rows[0]?.n ?? 0) > 0) return;
    assert.ok(waited < 10_000, 'nothing waited for the lock');
    await delay(20);
  }
}

/**
 * Runs `first` in a transaction of the test app's store and leaves it open
 * until `finish()`, which runs `last` in it and commits: a write under way,
 * for what the test sends meanwhile. `finish` must be called whatever
 * happens (a connection held for ever would hang the app's close).
 */
async function openTransaction(
  t: TestApp,
  first: (trx: Transaction<Database>) => Promise<unknown>,
  last: (trx: Transaction<Database>) => Promise<unknown> = async () => undefined,
): Promise<{ finish(): Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let opened!: () => void;
  const openedYet = new Promise<void>((resolve) => (opened = resolve));
  const done = t.store.db.transaction().execute(async (trx) => {
    await first(trx);
    opened();
    await released;
    await last(trx);
  });
  await Promise.race([openedYet, done]);
  return {
    finish: async () => {
      release();
      await done;
    },
  };
}

interface Member {
  userId: string;
  token: string;
}

for (const kind of STORE_KINDS) {
  describe(`the platform client's calls (${kind})`, () => {
    let t: TestApp;
    const people: Record<'admin' | 'writer' | 'reader' | 'outsider', Member> = {} as never;
    let workspaceId: string;
    let otherWorkspaceId: string;
    let outsiderWorkspaceId: string;
    let bucketId: string;
    let otherBucketId: string;

    before(async () => {
      t = await startTestApp(kind, { now: '2024-02-01T00:00:00.000Z' });
      for (const name of ['admin', 'writer', 'reader', 'outsider'] as const)
        people[name] = await createMember(t, `${name}@example.com`);
      workspaceId = await createWorkspace(t, people.admin.userId, 'Acme');
      otherWorkspaceId = await createWorkspace(t, people.admin.userId, 'Acme Labs');
      outsiderWorkspaceId = await createWorkspace(t, people.outsider.userId, 'Elsewhere');
      for (const [name, role] of [
        ['writer', 'WRITE'],
        ['reader', 'READ'],
      ] as const) {
        const res = await t.call({
          method: 'POST',
          url: `/workspace/${workspaceId}/users`,
          payload: { userId: people[name].userId, role },
          token: people.admin.token,
        });
        assert.equal(res.statusCode, 200, res.body);
      }
      bucketId = await createBucket(t, workspaceId, 'invoices');
      otherBucketId = await createBucket(t, otherWorkspaceId, 'lab-data');
      await createBucket(t, outsiderWorkspaceId, 'not-yours');
    });
    after(() => t.close());

    it('getStorageBuckets() with no argument: every bucket of the caller, walletAddress ignored', async () => {
      const all = await platformCall(t, people.admin.token, 'GET', 'bucket?workspaceId=undefined&walletAddress=undefined');
      assert.equal(all.statusCode, 200, all.body);
      assert.deepEqual(
        all.json<{ buckets: Array<{ id: string }> }>().buckets.map((b) => b.id),
        [bucketId, otherBucketId],
      );
      const one = await platformCall(
        t,
        people.admin.token,
        'GET',
        `bucket?workspaceId=${otherWorkspaceId}&walletAddress=undefined`,
      );
      assert.deepEqual(
        one.json<{ buckets: Array<{ id: string }> }>().buckets.map((b) => b.id),
        [otherBucketId],
      );
      const empty = await platformCall(t, people.reader.token, 'GET', 'bucket?workspaceId=&walletAddress=GABC');
      assert.deepEqual(
        empty.json<{ buckets: Array<{ id: string }> }>().buckets.map((b) => b.id),
        [bucketId],
      );
      const notUuid = await platformCall(t, people.admin.token, 'GET', 'bucket?workspaceId=null&walletAddress=undefined');
      assert.equal(notUuid.statusCode, 400, notUuid.body);
    });

    it('getWorkspace(id): the workspace with its members, for any member', async () => {
      const res = await platformCall(t, people.reader.token, 'GET', `workspace/${workspaceId}`);
      assert.equal(res.statusCode, 200, res.body);
      const member = (name: keyof typeof people, role: string) => ({
        userId: people[name].userId,
        role,
        user: { id: people[name].userId, name, email: `${name}@example.com` },
      });
      assert.deepEqual(res.json(), {
        success: true,
        workspace: {
          id: workspaceId,
          name: 'Acme',
          users: [member('admin', 'ADMIN'), member('reader', 'READ'), member('writer', 'WRITE')],
        },
      });
      assert.equal((await platformCall(t, OPERATOR_TOKEN, 'GET', `workspace/${workspaceId.toUpperCase()}`)).statusCode, 200);
      assert.equal((await platformCall(t, people.outsider.token, 'GET', `workspace/${workspaceId}`)).statusCode, 403);
      assert.equal((await platformCall(t, people.reader.token, 'GET', `workspace/${UNKNOWN_ID}`)).statusCode, 404);
      assert.equal((await platformCall(t, people.reader.token, 'GET', 'workspace/acme')).statusCode, 400);
      assert.equal((await t.call({ method: 'GET', url: `/workspace/${workspaceId}`, token: null })).statusCode, 401);
    });

    it('updateWorkspace(id, {name}): ADMIN renames; other roles are refused', async () => {
      for (const name of ['writer', 'reader', 'outsider'] as const) {
        const res = await platformCall(t, people[name].token, 'PUT', `workspace/${workspaceId}`, { name: 'Taken over' });
        assert.equal(res.statusCode, 403, `${name}: ${res.body}`);
      }
      const res = await platformCall(t, people.admin.token, 'PUT', `workspace/${workspaceId}`, { name: '  Acme Europe ' });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { success: true, workspace: { id: workspaceId, name: 'Acme Europe' } });
      const unchanged = await platformCall(t, OPERATOR_TOKEN, 'PUT', `workspace/${workspaceId}`, {});
      assert.deepEqual(unchanged.json(), { success: true, workspace: { id: workspaceId, name: 'Acme Europe' } });
      const listed = await t.call({ method: 'GET', url: '/workspace', token: people.reader.token });
      assert.deepEqual(listed.json(), { success: true, workspaces: [{ id: workspaceId, name: 'Acme Europe', role: 'READ' }] });
      assert.equal((await platformCall(t, people.admin.token, 'PUT', `workspace/${workspaceId}`, { name: ' ' })).statusCode, 400);
      assert.equal((await platformCall(t, people.admin.token, 'PUT', `workspace/${UNKNOWN_ID}`, { name: 'x' })).statusCode, 404);
    });

    it("updateStorageBucket(id, data): the platform's whole body; WRITE or ADMIN; another workspaceId is a 400", async () => {
      // The platform's UpdateBucketRequest carries credentials and a wallet this service does not keep.
      const data = {
        name: 'invoices-2024',
        bucket: 'acme-invoices',
        storageType: 'GCS',
        key: 'AKIA-not-kept',
        secret: 'not-kept',
        endpoint: 'https://storage.googleapis.com',
        region: 'europe-west1',
        workspaceId: workspaceId.toUpperCase(),
        walletAddress: 'GABC',
        apiKeyUuid: UNKNOWN_ID,
      };
      for (const name of ['reader', 'outsider'] as const) {
        const res = await platformCall(t, people[name].token, 'PUT', `bucket/${bucketId}`, data);
        assert.equal(res.statusCode, 403, `${name}: ${res.body}`);
      }
      const res = await platformCall(t, people.writer.token, 'PUT', `bucket/${bucketId}`, data);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { success: true, bucketId });
      const listed = await platformCall(
        t,
        people.reader.token,
        'GET',
        `bucket?workspaceId=${workspaceId}&walletAddress=undefined`,
      );
      const [bucket] = listed.json<{ buckets: Array<Record<string, unknown>> }>().buckets;
      assert.deepEqual(bucket, {
        id: bucketId,
        name: 'invoices-2024',
        workspaceId,
        storageType: 'GCS',
        bucket: 'acme-invoices',
        endpoint: 'https://storage.googleapis.com',
        region: 'europe-west1',
        createdAt: '2024-02-01T00:00:00.000Z',
      });
      // Left out: kept; null: cleared.
      const partial = await platformCall(t, OPERATOR_TOKEN, 'PUT', `bucket/${bucketId}`, {
        name: 'invoices',
        workspaceId,
        region: null,
      });
      assert.equal(partial.statusCode, 200, partial.body);
      const after = await platformCall(
        t,
        people.reader.token,
        'GET',
        `bucket?workspaceId=${workspaceId}&walletAddress=undefined`,
      );
      assert.deepEqual(
        after.json<{ buckets: Array<Record<string, unknown>> }>().buckets.map(({ name, storageType, bucket: b, region }) => ({
          name,
          storageType,
          bucket: b,
          region,
        })),
        [{ name: 'invoices', storageType: 'GCS', bucket: 'acme-invoices', region: null }],
      );

      const moved = await platformCall(t, people.admin.token, 'PUT', `bucket/${bucketId}`, {
        ...data,
        workspaceId: otherWorkspaceId,
      });
      assert.equal(moved.statusCode, 400, moved.body);
      assert.match(moved.json<{ message: string }>().message, /buckets do not move/);
      assert.equal((await platformCall(t, people.admin.token, 'PUT', `bucket/${UNKNOWN_ID}`, data)).statusCode, 404);
      assert.equal(
        (await platformCall(t, people.admin.token, 'PUT', `bucket/${bucketId}`, { ...data, name: '' })).statusCode,
        400,
      );
    });

    it('deleteWorkspace(id): 409 while it has buckets; then its members go with it', async () => {
      for (const name of ['writer', 'reader', 'outsider'] as const) {
        assert.equal(
          (await platformCall(t, people[name].token, 'DELETE', `workspace/${otherWorkspaceId}`)).statusCode,
          403,
          name,
        );
      }
      const refused = await platformCall(t, people.admin.token, 'DELETE', `workspace/${otherWorkspaceId}`);
      assert.equal(refused.statusCode, 409, refused.body);
      assert.match(refused.json<{ message: string }>().message, /still has 1 bucket/);

      assert.equal(
        (await t.call({ method: 'DELETE', url: `/bucket/${otherBucketId}`, token: people.admin.token })).statusCode,
        200,
      );
      const deleted = await platformCall(t, people.admin.token, 'DELETE', `workspace/${otherWorkspaceId}`);
      assert.equal(deleted.statusCode, 200, deleted.body);
      assert.deepEqual(deleted.json(), { success: true });
      assert.equal((await platformCall(t, people.admin.token, 'GET', `workspace/${otherWorkspaceId}`)).statusCode, 404);
      assert.equal((await platformCall(t, people.admin.token, 'DELETE', `workspace/${otherWorkspaceId}`)).statusCode, 404);
      const members = await t.store.db
        .selectFrom('workspace_members')
        .select('user_id')
        .where('workspace_id', '=', otherWorkspaceId)
        .execute();
      assert.deepEqual(members, []);
      const listed = await t.call({ method: 'GET', url: '/workspace', token: people.admin.token });
      assert.deepEqual(
        listed.json<{ workspaces: Array<{ id: string }> }>().workspaces.map((w) => w.id),
        [workspaceId],
      );
      // The operator may delete any workspace.
      const empty = await createWorkspace(t, people.outsider.userId, 'Empty');
      assert.equal((await platformCall(t, OPERATOR_TOKEN, 'DELETE', `workspace/${empty}`)).statusCode, 200);
    });

    it('keeps a bucket created while its workspace is being deleted: the delete answers 409', async () => {
      const doomed = await createWorkspace(t, people.admin.userId, 'Doomed');
      // A bucket insert under way (not committed) when the delete comes.
      const insert = await openTransaction(t, (trx) =>
        trx
          .insertInto('buckets')
          .values({
            id: '11111111-1111-4111-8111-111111111111',
            workspace_id: doomed,
            name: 'late',
            storage_type: 'S3',
            bucket: null,
            endpoint: null,
            region: null,
            created_at: t.clock.now(),
          })
          .execute(),
      );
      const deletion = platformCall(t, people.admin.token, 'DELETE', `workspace/${doomed}`);
      try {
        await untilAnotherWaits(t);
      } finally {
        await insert.finish();
      }
      const res = await deletion;
      assert.equal(res.statusCode, 409, res.body);
      const buckets = await t.store.db.selectFrom('buckets').select('id').where('workspace_id', '=', doomed).execute();
      assert.equal(buckets.length, 1);
    });

    it('refuses with 404 a bucket whose workspace is deleted while the bucket is being created', async () => {
      const doomed = await createWorkspace(t, people.admin.userId, 'Doomed too');
      // A delete under way: it holds the workspace, as WorkspaceStore.deleteIfEmpty does, and deletes it when finished.
      const deletion = await openTransaction(
        t,
        (trx) => (kind === 'postgres' ? sql`select id from workspaces where id = ${doomed} for update`.execute(trx) : delay(0)),
        async (trx) => {
          await trx.deleteFrom('workspace_members').where('workspace_id', '=', doomed).execute();
          await trx.deleteFrom('workspaces').where('id', '=', doomed).execute();
        },
      );
      const creation = t.call({
        method: 'POST',
        url: '/bucket',
        payload: { name: 'late', workspaceId: doomed },
        token: people.admin.token,
      });
      try {
        // PostgreSQL: the insert's key check waits for the row (the access check before it has passed).
        await untilAnotherWaits(t);
      } finally {
        await deletion.finish();
      }
      const res = await creation;
      assert.equal(res.statusCode, 404, res.body);
      assert.deepEqual(res.json(), { success: false, message: `no workspace ${doomed}` });
      assert.deepEqual(await t.store.db.selectFrom('buckets').select('id').where('workspace_id', '=', doomed).execute(), []);
    });

    it('never orphans a bucket when deletes and creations of a workspace race', async () => {
      const outcomes = { deleted: 0, kept: 0 };
      for (let round = 0; round < 15; round++) {
        const contested = await createWorkspace(t, people.admin.userId, `Contested ${round}`);
        // One goes first by 0 to 4 ms, the delete in even rounds and the creations in odd ones, so that
        // each store sees both orders.
        const [deleteAfter, createAfter] = round % 2 === 0 ? [round % 5, 0] : [0, round % 5];
        const create = (i: number) =>
          delay(createAfter).then(() =>
            t.call({
              method: 'POST',
              url: '/bucket',
              payload: { name: `b${i}`, workspaceId: contested },
              token: people.admin.token,
            }),
          );
        const [deletion, ...creations] = await Promise.all([
          delay(deleteAfter).then(() => platformCall(t, people.admin.token, 'DELETE', `workspace/${contested}`)),
          create(0),
          create(1),
          create(2),
        ]);
        const created = creations.filter((r) => r.statusCode === 201).map((r) => r.json<{ bucketId: string }>().bucketId);
        for (const r of creations)
          assert.ok(r.statusCode === 201 || r.statusCode === 404, `round ${round}: ${r.statusCode} ${r.body}`);
        const stored = await t.store.db.selectFrom('buckets').select('id').where('workspace_id', '=', contested).execute();
        assert.deepEqual(stored.map((b) => b.id).sort(), [...created].sort(), `round ${round}`);
        if (deletion.statusCode === 200) {
          assert.deepEqual(created, [], `round ${round}: buckets created in a deleted workspace`);
          outcomes.deleted++;
        } else {
          assert.equal(deletion.statusCode, 409, `round ${round}: ${deletion.body}`);
          assert.ok(created.length > 0, `round ${round}: refused a workspace without buckets`);
          outcomes.kept++;
        }
      }
      const orphans = await t.store.db
        .selectFrom('buckets as b')
        .leftJoin('workspaces as w', 'w.id', 'b.workspace_id')
        .select('b.id')
        .where('w.id', 'is', null)
        .execute();
      assert.deepEqual(orphans, []);
      console.log(
        `[${kind}] 15 races of a workspace delete against 3 bucket creations: ${outcomes.deleted} deleted, ${outcomes.kept} kept`,
      );
    });

    it("this package's client makes the same calls", async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const client = new ApiClient(`http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`);
      client.setAuthToken(people.admin.token);
      const scratch = (await client.createWorkspace({ name: 'Scratch' })).workspace.id;
      assert.equal((await client.getWorkspace(scratch)).workspace.users[0]?.role, AccessType.ADMIN);
      assert.deepEqual(await client.updateWorkspace(scratch, { name: 'Scratch 2' }), {
        success: true,
        workspace: { id: scratch, name: 'Scratch 2' },
      });
      const { bucketId: id } = await client.createStorageBucket({ name: 'tmp', workspaceId: scratch });
      assert.deepEqual(
        await client.updateStorageBucket(id, { name: 'tmp2', workspaceId: scratch, storageType: StorageType.BLOB }),
        {
          success: true,
          bucketId: id,
        },
      );
      const mine = await client.getStorageBuckets(undefined, 'GABC');
      assert.ok(mine.buckets.some((b) => b.id === id && b.name === 'tmp2' && b.storageType === StorageType.BLOB));
      await assert.rejects(client.deleteWorkspace(scratch), (error) => error instanceof HttpError && error.status === 409);
      await client.deleteStorageBucket(id);
      assert.deepEqual(await client.deleteWorkspace(scratch), { success: true });
      await assert.rejects(client.getWorkspace(scratch), (error) => error instanceof HttpError && error.status === 404);
    });
  });
}
