import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addMember, createMember, createWorkspace } from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const ROUNDS = 8;

/**
 * One change went through; the other was refused: 409 (the last ADMIN), or
 * 403 when the first had already taken its caller's ADMIN role away.
 */
function assertOneThrough(answers: Array<{ statusCode: number; body: string }>, round: number): void {
  const why = `round ${round}: ${answers.map((a) => `${a.statusCode} ${a.body}`).join(' / ')}`;
  assert.equal(answers.filter((a) => a.statusCode === 200).length, 1, why);
  const refused = answers.find((a) => a.statusCode !== 200);
  assert.ok(refused && (refused.statusCode === 403 || /last ADMIN/.test(refused.body)), why);
}

for (const kind of STORE_KINDS) {
  describe(`a workspace keeps an ADMIN under concurrent changes (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind);
    });
    after(() => t.close());

    /** A workspace whose two members are both ADMIN. */
    async function twoAdmins(round: number, label: string) {
      const first = await createMember(t, `${label}-a-${round}@example.com`);
      const second = await createMember(t, `${label}-b-${round}@example.com`);
      const workspaceId = await createWorkspace(t, first.userId);
      await addMember(t, workspaceId, second.userId, 'ADMIN', first.token);
      return { first, second, workspaceId };
    }

    async function admins(workspaceId: string): Promise<number> {
      const rows = await t.store.db
        .selectFrom('workspace_members')
        .select('user_id')
        .where('workspace_id', '=', workspaceId)
        .where('role', '=', 'ADMIN')
        .execute();
      return rows.length;
    }

    it('lets one of two ADMINs demoting each other at once through, and refuses the other', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const { first, second, workspaceId } = await twoAdmins(round, 'demote');
        const demote = (by: { token: string }, who: { userId: string }) =>
          t.call({
            method: 'PUT',
            url: `/workspace/${workspaceId}/users/${who.userId}`,
            payload: { role: 'READ' },
            token: by.token,
          });
        const answers = await Promise.all([demote(first, second), demote(second, first)]);
        assertOneThrough(answers, round);
        assert.equal(await admins(workspaceId), 1, `round ${round}`);
      }
    });

    it('keeps an ADMIN when one is removed while the other is demoted', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const { first, second, workspaceId } = await twoAdmins(round, 'remove');
        const answers = await Promise.all([
          t.call({ method: 'DELETE', url: `/workspace/${workspaceId}/users/${second.userId}`, token: first.token }),
          t.call({
            method: 'PUT',
            url: `/workspace/${workspaceId}/users/${first.userId}`,
            payload: { role: 'WRITE' },
            token: second.token,
          }),
        ]);
        assertOneThrough(answers, round);
        assert.equal(await admins(workspaceId), 1, `round ${round}`);
      }
    });
  });
}
