import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { maintenanceOf } from '../src/stats/maintenance.js';
import { addMember, createBucket, createMember, createNode, createWorkspace } from './helpers/fixtures.js';
import { OPERATOR_TOKEN, startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const NOW = '2024-02-01T12:00:00.000Z';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const HOUR_MS = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const at = (offsetHours: number): string => iso(Date.parse(NOW) + offsetHours * HOUR_MS);

interface WindowAnswer {
  id: string;
  bucketId: string;
  nodeIds: string[] | null;
  start: string;
  end: string | null;
  rrule: string | null;
  durationMinutes: number | null;
  until: string | null;
  reason: string | null;
  createdAt: string;
  createdBy: string;
  imported: boolean;
}

for (const kind of STORE_KINDS) {
  describe(`maintenance windows (${kind})`, () => {
    let t: TestApp;
    const tokens: Record<string, string> = {};
    const userIds: Record<string, string> = {};
    let bucketId: string;
    let nodeId: string;
    let workspaceId: string;

    const url = (id = bucketId, windowId?: string) => `/bucket/${id}/maintenance${windowId ? `/${windowId}` : ''}`;
    const create = (payload: object, token: string | undefined = tokens.writer, id = bucketId) =>
      t.call({ method: 'POST', url: url(id), payload, token });
    const list = async (token = tokens.reader): Promise<WindowAnswer[]> => {
      const res = await t.call({ method: 'GET', url: url(), token });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ windows: WindowAnswer[] }>().windows;
    };
    const created = async (payload: object): Promise<WindowAnswer> => {
      const res = await create(payload);
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ window: WindowAnswer }>().window;
    };
    const covered = async (instant: string, node = nodeId, bucket = bucketId): Promise<boolean> => {
      const ms = Date.parse(instant);
      return maintenanceOf(await t.store.maintenance.versions(bucket), node, ms, ms + 1).length === 1;
    };

    before(async () => {
      t = await startTestApp(kind, { now: NOW });
      for (const name of ['admin', 'writer', 'reader', 'outsider']) {
        const member = await createMember(t, `${name}@example.com`);
        tokens[name] = member.token;
        userIds[name] = member.userId;
      }
      workspaceId = await createWorkspace(t, userIds.admin!);
      await addMember(t, workspaceId, userIds.writer!, 'WRITE', tokens.admin!);
      await addMember(t, workspaceId, userIds.reader!, 'READ', tokens.admin!);
      bucketId = await createBucket(t, workspaceId);
      nodeId = await createNode(t);
    });
    after(() => t.close());

    it('creates one-off and recurring windows and lists them in the documented shape', async () => {
      const oneOff = await created({ start: at(1), end: at(2), reason: ' kernel upgrade ', nodeIds: [nodeId.toUpperCase()] });
      assert.deepEqual(oneOff, {
        id: oneOff.id,
        bucketId,
        nodeIds: [nodeId],
        start: at(1),
        end: at(2),
        rrule: null,
        durationMinutes: null,
        until: null,
        reason: 'kernel upgrade',
        createdAt: NOW,
        createdBy: userIds.writer,
        imported: false,
      });
      const weekly = await created({ start: at(24), rrule: 'FREQ=WEEKLY;BYDAY=SU,SA', durationMinutes: 90, until: at(24 * 60) });
      assert.equal(weekly.rrule, 'FREQ=WEEKLY;BYDAY=SU,SA');
      assert.equal(weekly.nodeIds, null);
      const listed = await list();
      assert.deepEqual(
        listed.filter((w) => w.id === oneOff.id || w.id === weekly.id),
        [oneOff, weekly],
      );
      // 2024-02-03 is a Saturday: the first occurrence is at start's time of day, for 90 minutes.
      assert.equal(await covered('2024-02-03T13:29:59.999Z'), true);
      assert.equal(await covered('2024-02-03T13:30:00.000Z'), false);
      assert.equal(await covered(at(1.5)), true);
      assert.equal(await covered(at(1.5), UNKNOWN_ID), false, 'a window with nodeIds covers only those nodes');
    });

    it('lets WRITE, ADMIN and the operator write, any member list; others as the daily call', async () => {
      const window = { start: at(3), end: at(4) };
      assert.equal((await create(window, tokens.admin)).statusCode, 201);
      assert.equal((await create(window, OPERATOR_TOKEN)).statusCode, 201, 'operator');
      assert.equal((await create(window, tokens.reader)).statusCode, 403);
      assert.equal((await create(window, tokens.outsider)).statusCode, 403);
      assert.equal((await create(window, null as unknown as string)).statusCode, 401);
      assert.equal((await create(window, tokens.outsider, UNKNOWN_ID)).statusCode, 404);
      // 400 before 404 before 403.
      assert.equal((await create({ start: at(3) }, tokens.outsider, UNKNOWN_ID)).statusCode, 400);
      assert.equal((await create({ start: at(-1), end: at(4) }, tokens.outsider)).statusCode, 400);
      for (const name of ['admin', 'writer', 'reader']) await list(tokens[name]);
      const outsider = await t.call({ method: 'GET', url: url(), token: tokens.outsider });
      assert.equal(outsider.statusCode, 403);
      assert.equal((await t.call({ method: 'GET', url: url(UNKNOWN_ID), token: tokens.outsider })).statusCode, 404);

      const { id } = await created(window);
      const put = (token: string) =>
        t.call({ method: 'PUT', url: url(bucketId, id), payload: { start: at(3), end: at(5) }, token });
      assert.equal((await put(tokens.reader!)).statusCode, 403);
      assert.equal((await put(tokens.outsider!)).statusCode, 403);
      assert.equal((await t.call({ method: 'DELETE', url: url(bucketId, id), token: tokens.reader })).statusCode, 403);
      assert.equal((await t.call({ method: 'DELETE', url: url(bucketId, UNKNOWN_ID), token: tokens.outsider })).statusCode, 404);
      assert.equal((await put(tokens.admin!)).statusCode, 200);
      assert.equal((await t.call({ method: 'DELETE', url: url(bucketId, id), token: tokens.writer })).statusCode, 200);
      assert.equal((await t.call({ method: 'DELETE', url: url(bucketId, id), token: tokens.writer })).statusCode, 404);
    });

    it('refuses bad windows with a 400 that says why', async () => {
      const cases: Array<[object, RegExp]> = [
        [{ start: at(-0.001), end: at(1) }, /before now/],
        [{ start: at(2), end: at(2) }, /end must lie after start/],
        [{ start: at(2), end: at(1) }, /end must lie after start/],
        [{ start: at(1), end: at(2), rrule: 'FREQ=DAILY', durationMinutes: 5 }, /not both/],
        [{ start: at(1) }, /give end/],
        [{ start: at(1), rrule: 'FREQ=DAILY' }, /durationMinutes/],
        [{ start: at(1), rrule: 'FREQ=DAILY', durationMinutes: 0 }, /durationMinutes/],
        [{ start: at(1), rrule: 'FREQ=DAILY', durationMinutes: 1441 }, /durationMinutes/],
        [{ start: at(1), rrule: 'FREQ=DAILY', durationMinutes: 1.5 }, /durationMinutes/],
        [{ start: at(1), rrule: 'EVERY DAY', durationMinutes: 5 }, /rrule/],
        [{ start: at(1), rrule: 'FREQ=FORTNIGHTLY', durationMinutes: 5 }, /FREQ/],
        [{ start: at(1), rrule: 'FREQ=DAILY;BYDAY=XX', durationMinutes: 5 }, /BYDAY/],
        [{ start: at(1), rrule: 'FREQ=SECONDLY', durationMinutes: 5 }, /more than one occurrence a minute/],
        [{ start: at(1), rrule: 'FREQ=DAILY;BYSECOND=0,30', durationMinutes: 5 }, /more than one occurrence a minute/],
        [{ start: at(1), rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', durationMinutes: 5 }, /matches nothing/],
        [{ start: at(1), rrule: 'FREQ=DAILY;UNTIL=20250101T000000Z', durationMinutes: 5 }, /until/],
        [{ start: at(2), rrule: 'FREQ=DAILY', durationMinutes: 5, until: at(1) }, /until must not lie before start/],
        [{ start: at(1), end: at(2), until: at(3) }, /until belongs to a recurrence/],
        [{ start: at(1), end: at(2), nodeIds: [UNKNOWN_ID] }, /no node/],
        [{ start: at(1), end: at(2), nodeIds: [] }, /nodeIds/],
        [{ start: '2024-02-30T00:00:00Z', end: at(2) }, /start must be an RFC 3339/],
        [{ start: at(1), end: at(2), reason: '   ' }, /reason/],
      ];
      for (const [payload, message] of cases) {
        const res = await create(payload);
        assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
        assert.match(res.json<{ message: string }>().message, message, JSON.stringify(payload));
      }
    });

    it('keeps the past part of a window after a change and after a deletion', async () => {
      // A bucket and node of their own, so that the other tests' windows do not cover the instants asked.
      const bucketId = await createBucket(t, workspaceId, 'changes');
      const node = await createNode(t);
      const covers = (instant: string) => covered(instant, node, bucketId);
      const created = async (payload: object): Promise<WindowAnswer> => {
        const res = await create(payload, tokens.writer, bucketId);
        assert.equal(res.statusCode, 201, res.body);
        return res.json<{ window: WindowAnswer }>().window;
      };
      const list = async () => (await t.call({ method: 'GET', url: url(bucketId) })).json<{ windows: WindowAnswer[] }>().windows;
      const window = await created({ start: at(1), end: at(4), nodeIds: [node] });
      t.clock.set(at(2));
      try {
        const moved = await t.call({
          method: 'PUT',
          url: url(bucketId, window.id),
          payload: { start: at(1.5), end: at(5), nodeIds: [node] },
        });
        assert.equal(moved.statusCode, 400, 'a new start in the past');
        const shortened = await t.call({
          method: 'PUT',
          url: url(bucketId, window.id),
          payload: { start: at(1), end: at(3), nodeIds: [node] },
        });
        assert.equal(shortened.statusCode, 200, shortened.body);
        assert.equal(shortened.json<{ window: WindowAnswer }>().window.createdAt, NOW);
        const ended = await t.call({
          method: 'PUT',
          url: url(bucketId, window.id),
          payload: { start: at(1), end: at(1.9), nodeIds: [node] },
        });
        assert.equal(ended.statusCode, 400, 'an end already past');
        assert.equal(await covers(at(1.5)), true, 'the part before the change still counts');
        assert.equal(await covers(at(2.5)), true, 'the changed window goes on');
        assert.equal(await covers(at(3.5)), false, 'the part after the change is gone');

        const recurring = await created({ start: at(2.5), rrule: 'FREQ=HOURLY', durationMinutes: 10, nodeIds: [node] });
        t.clock.set(at(4.05));
        const deleted = await t.call({ method: 'DELETE', url: url(bucketId, recurring.id), token: tokens.admin });
        assert.equal(deleted.statusCode, 200, deleted.body);
        assert.equal(await covers(at(3.6)), true, 'an occurrence before the deletion still counts');
        assert.equal(await covers(at(4.6)), false, 'no occurrence after it');
        assert.equal(
          (await list()).some((w) => w.id === recurring.id),
          false,
        );
        const versions = (await t.store.maintenance.versions(bucketId)).filter((v) => v.windowId === recurring.id);
        assert.deepEqual(
          versions.map((v) => [v.inForceFrom, v.inForceUntil]),
          [[Date.parse(at(2)), Date.parse(at(4.05))]],
        );
      } finally {
        t.clock.set(NOW);
      }
    });

    it('applies concurrent changes of one window one after the other', async () => {
      const bucket = await createBucket(t, workspaceId, 'concurrent');
      const res = await create({ start: at(1), end: at(10), reason: 'first' }, tokens.writer, bucket);
      assert.equal(res.statusCode, 201, res.body);
      const { id } = res.json<{ window: WindowAnswer }>().window;
      t.clock.set(at(2));
      try {
        const changes = await Promise.all(
          [3, 4, 5, 6, 7].map((end) =>
            t.call({ method: 'PUT', url: url(bucket, id), payload: { start: at(1), end: at(end), reason: `until ${end}` } }),
          ),
        );
        assert.deepEqual(
          changes.map((c) => c.statusCode),
          [200, 200, 200, 200, 200],
          changes.map((c) => c.body).join('\n'),
        );
        const versions = await t.store.maintenance.versions(bucket);
        assert.equal(versions.filter((v) => v.inForceUntil === null).length, 1, 'one version in force');
        // The first version keeps [created, now); the later ones, all made at the same instant, cover nothing before it.
        assert.equal(await covered(at(1.5), nodeId, bucket), true);
      } finally {
        t.clock.set(NOW);
      }
    });

    it('imports past windows all or nothing, marked imported, for the operator only', async () => {
      const entries = [
        { bucketId, start: '2024-01-10T06:00:00Z', end: '2024-01-10T07:00:00Z', reason: 'from the old system' },
        { bucketId, start: '2024-01-01T02:00:00Z', rrule: 'FREQ=DAILY', durationMinutes: 30, until: '2024-01-20T02:00:00Z' },
      ];
      const post = (windows: object[], token?: string) =>
        t.call({ method: 'POST', url: '/admin/maintenance', payload: { windows }, token });
      const before = (await list()).length;
      const bad = await post([...entries, { bucketId, start: '2024-01-11T00:00:00Z', end: '2024-01-10T00:00:00Z' }]);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json<{ message: string }>().message, /^windows\[2\]\.end/);
      const unknown = await post([entries[0]!, { ...entries[0]!, bucketId: UNKNOWN_ID }]);
      assert.match(unknown.json<{ message: string }>().message, /^windows\[1\]\.bucketId: no bucket/);
      assert.equal((await post(entries, tokens.admin)).statusCode, 403);
      assert.equal((await list()).length, before, 'nothing stored');

      const res = await post(entries);
      assert.equal(res.statusCode, 201, res.body);
      const { imported, ids } = res.json<{ imported: number; ids: string[] }>();
      assert.equal(imported, 2);
      const listed = (await list()).filter((w) => ids.includes(w.id));
      assert.deepEqual(
        listed.map((w) => [w.imported, w.createdBy, w.start]),
        [
          [true, 'operator', '2024-01-01T02:00:00.000Z'],
          [true, 'operator', '2024-01-10T06:00:00.000Z'],
        ],
      );
      assert.equal(await covered('2024-01-10T06:30:00Z'), true);
      assert.equal(await covered('2024-01-15T02:29:00Z'), true);
      assert.equal(await covered('2024-01-21T02:29:00Z'), false, 'after until');
    });

    it('refuses more than 10 000 imported windows as too large (413)', async () => {
      const window = { bucketId, start: '2024-01-10T06:00:00Z', end: '2024-01-10T07:00:00Z' };
      const res = await t.call({ method: 'POST', url: '/admin/maintenance', payload: { windows: Array(10_001).fill(window) } });
      assert.equal(res.statusCode, 413);
    });

    it('removes the windows of a deleted bucket', async () => {
      const workspaceId = await createWorkspace(t, userIds.admin!, 'doomed');
      const doomed = await createBucket(t, workspaceId, 'doomed');
      assert.equal((await create({ start: at(1), end: at(2) }, OPERATOR_TOKEN, doomed)).statusCode, 201);
      assert.equal((await t.store.maintenance.versions(doomed)).length, 1);
      assert.equal((await t.call({ method: 'DELETE', url: `/bucket/${doomed}` })).statusCode, 200);
      const rows = await t.store.db
        .selectFrom('maintenance_versions')
        .select('window_id')
        .where('bucket_id', '=', doomed)
        .execute();
      assert.deepEqual(rows, []);
    });
  });
}
