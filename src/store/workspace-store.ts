import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Role } from './member-roles.js';
import { deleteWorkspaceAlerts } from './alert-rule-store.js';
import type { Database, WorkspaceTable } from './database-schema.js';
import { isPostgres } from './dialect.js';
import { LastAdminError } from './last-admin-error.js';
import { RecentValues } from './recent-cache.js';
import type { StoreEvents } from './store-events.js';

export type WorkspaceRecord = Selectable<WorkspaceTable>;

export interface WorkspaceWithRole {
  id: string;
  name: string;
  role: Role;
}

/** A member of a workspace, with who they are. */
export interface WorkspaceMember {
  userId: string;
  role: Role;
  user: { id: string; name: string; email: string };
}

/** What `deleteIfEmpty` did. */
export type WorkspaceDeletion = { outcome: 'deleted' } | { outcome: 'missing' } | { outcome: 'has buckets'; buckets: number };

/** Holds the workspace until the transaction ends (see `WorkspaceStore.deleteIfEmpty`); false when there is none. */
async function holdWorkspace(trx: Transaction<Database>, workspaceId: string): Promise<boolean> {
  if (isPostgres(trx)) {
    const rows = await trx.selectFrom('workspaces').select('id').where('id', '=', workspaceId).forUpdate().execute();
    return rows.length > 0;
  }
  // A write that changes nothing, as the transaction's first statement: SQLite's write lock.
  const result = await trx
    .updateTable('workspaces')
    .set((eb) => ({ name: eb.ref('name') }))
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Workspaces and their members' roles. */
export class WorkspaceStore {
  private readonly roles = new RecentValues<{ role: Role }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: StoreEvents,
  ) {}

  private membershipChanged(workspaceId: string, userId: string): void {
    this.roles.delete(`${workspaceId}/${userId}`);
    this.events.emit('access');
  }

  /** Creates a workspace with `ownerId` as its first ADMIN. */
  async create(name: string, ownerId: string, now: number): Promise<WorkspaceRecord> {
    const workspace: WorkspaceRecord = { id: randomUUID(), name, created_at: now };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('workspaces').values(workspace).execute();
      await trx.insertInto('workspace_members').values({ workspace_id: workspace.id, user_id: ownerId, role: 'ADMIN' }).execute();
    });
    return workspace;
  }

  async find(workspaceId: string): Promise<WorkspaceRecord | undefined> {
    return this.db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirst();
  }

  /** The workspaces `userId` belongs to, or every workspace (as ADMIN) when `userId` is null (the operator). */
  async listFor(userId: string | null): Promise<WorkspaceWithRole[]> {
    if (userId === null) {
      const all = await this.db.selectFrom('workspaces').select(['id', 'name']).orderBy('name').orderBy('id').execute();
      return all.map((w) => ({ ...w, role: 'ADMIN' as const }));
    }
    const rows = await this.db
      .selectFrom('workspaces as w')
      .innerJoin('workspace_members as m', 'm.workspace_id', 'w.id')
      .select(['w.id', 'w.name', 'm.role'])
      .where('m.user_id', '=', userId)
      .orderBy('w.name')
      .orderBy('w.id')
      .execute();
    return rows.map((r) => ({ ...r, role: r.role as Role }));
  }

  /** The member's role as last read, if it was read recently (see `RecentValues`); never asks the store. */
  keptRole(workspaceId: string, userId: string): Role | undefined {
    return this.roles.get(`${workspaceId}/${userId}`)?.role;
  }

  /** Asked on every call about a bucket, so recent hits are kept (see `RecentValues`). */
  async roleOf(workspaceId: string, userId: string): Promise<Role | undefined> {
    const key = `${workspaceId}/${userId}`;
    const found = await this.roles.load(key, async () => {
      const row = await this.db
        .selectFrom('workspace_members')
        .select('role')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row && { role: row.role as Role };
    });
    return found?.role;
  }

  async addMember(workspaceId: string, userId: string, role: Role): Promise<boolean> {
    const inserted = await this.db
      .insertInto('workspace_members')
      .values({ workspace_id: workspaceId, user_id: userId, role })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    this.membershipChanged(workspaceId, userId);
    return inserted !== undefined;
  }

  /**
   * Gives the member `role`. Refuses (`LastAdminError`, nothing changed)
   * to take the role of the workspace's last ADMIN: checked in the
   * transaction that writes, which runs alone for the workspace (see
   * `keepingAnAdmin`), so that two demotions at once cannot both pass.
   * Answers whether `userId` was a member.
   *
   * @example
   * await store.workspaces.setRole(workspaceId, userId, 'READ');
   */
  async setRole(workspaceId: string, userId: string, role: Role): Promise<boolean> {
    const changed = await this.keepingAnAdmin(workspaceId, userId, role, (trx) =>
      trx
        .updateTable('workspace_members')
        .set({ role })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    );
    this.membershipChanged(workspaceId, userId);
    return changed.numUpdatedRows > 0n;
  }

  /** Removes the member; refuses as `setRole` does for the last ADMIN. Answers whether `userId` was a member. */
  async removeMember(workspaceId: string, userId: string): Promise<boolean> {
    const removed = await this.keepingAnAdmin(workspaceId, userId, null, (trx) =>
      trx
        .deleteFrom('workspace_members')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    );
    this.membershipChanged(workspaceId, userId);
    return removed.numDeletedRows > 0n;
  }

  /**
   * Runs `change` of `userId`'s membership (to `newRole`, or out: null) in
   * a transaction that first holds the workspace, unless it would leave no
   * ADMIN. On SQLite write transactions run one at a time anyway; on
   * PostgreSQL the workspace's row is held (`no key update`: buckets and
   * members may still be added meanwhile), so that the count of ADMINs read
   * here stays true until the commit.
   */
  private async keepingAnAdmin<T>(
    workspaceId: string,
    userId: string,
    newRole: Role | null,
    change: (trx: Transaction<Database>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      if (isPostgres(trx)) {
        await sql`select id from workspaces where id = ${workspaceId} for no key update`.execute(trx);
      }
      if (newRole !== 'ADMIN') {
        const admins = await trx
          .selectFrom('workspace_members')
          .select('user_id')
          .where('workspace_id', '=', workspaceId)
          .where('role', '=', 'ADMIN')
          .execute();
        if (admins.length === 1 && admins[0]?.user_id === userId) throw new LastAdminError(workspaceId);
      }
      return change(trx);
    });
  }

  /** The members with their names and emails, by name. */
  async members(workspaceId: string): Promise<WorkspaceMember[]> {
    const rows = await this.db
      .selectFrom('workspace_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.name', 'u.email', 'm.role'])
      .where('m.workspace_id', '=', workspaceId)
      .orderBy('u.name')
      .orderBy('u.id')
      .execute();
    return rows.map((r) => ({ userId: r.id, role: r.role as Role, user: { id: r.id, name: r.name, email: r.email } }));
  }

  /** Renames a workspace; false when it does not exist (any more). */
  async rename(workspaceId: string, name: string): Promise<boolean> {
    const result = await this.db.updateTable('workspaces').set({ name }).where('id', '=', workspaceId).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Deletes a workspace with its memberships and alerts, unless it still has buckets.
   * The check and the delete are one transaction that first holds the
   * workspace, so that a bucket created meanwhile is either seen (and the
   * workspace kept) or refused (its insert finds no workspace): never
   * orphaned. On PostgreSQL the row lock does it: an insert naming the
   * workspace checks its key under a lock that waits for this one, and
   * this one, once it has the row, reads what committed before it. On
   * SQLite the transaction starts with a write, which holds the file's
   * write lock (a transaction that reads first could not write once
   * another connection has committed).
   */
  async deleteIfEmpty(workspaceId: string): Promise<WorkspaceDeletion> {
    const deletion = await this.db.transaction().execute(async (trx): Promise<WorkspaceDeletion> => {
      if (!(await holdWorkspace(trx, workspaceId))) return { outcome: 'missing' };
      const { n } = await trx
        .selectFrom('buckets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow();
      if (Number(n) > 0) return { outcome: 'has buckets', buckets: Number(n) };
      await deleteWorkspaceAlerts(trx, workspaceId);
      await trx.deleteFrom('workspace_members').where('workspace_id', '=', workspaceId).execute();
      await trx.deleteFrom('workspaces').where('id', '=', workspaceId).execute();
      return { outcome: 'deleted' };
    });
    if (deletion.outcome === 'deleted') {
      // Its members' kept roles are gone with it; deletions are rare, so all kept roles go.
      this.roles.clear();
      this.events.emit('access');
      this.events.emit('workspaceDeleted', workspaceId);
    }
    return deletion;
  }
}
