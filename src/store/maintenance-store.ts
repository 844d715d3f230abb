import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { MaintenanceDefinition, MaintenanceVersion } from '../stats/maintenance.js';
import { BucketGoneError } from './bucket-gone-error.js';
import { isForeignKeyViolation } from './constraint-errors.js';
import type { Database } from './database-schema.js';
import { definitionOf, recordOf, rowOf, type VersionRow } from './maintenance-rows.js';
import { isPostgres } from './dialect.js';

/** A window as it is listed: its definition in force now, and who made it when. */
export interface MaintenanceWindowRecord {
  id: string;
  bucketId: string;
  definition: MaintenanceDefinition;
  reason: string | null;
  createdAt: number;
  /** The creating user's id, or `operator`. */
  createdBy: string;
  imported: boolean;
}

/** A window to store: its definition and reason. */
export interface NewMaintenanceWindow {
  definition: MaintenanceDefinition;
  reason: string | null;
}

/** An imported window names its bucket. */
export interface ImportedMaintenanceWindow extends NewMaintenanceWindow {
  bucketId: string;
}

/** Who made a window or a change: a user's id, or the operator. */
export const OPERATOR_AUTHOR = 'operator';

// 15 columns a row: 500 rows keep a statement under both stores' bound-parameter limits.
const ROWS_PER_INSERT = 500;
// Concurrent changes of one window that one change may wait behind before it gives up.
const MAX_CHANGE_ATTEMPTS = 50;

/**
 * Maintenance windows of buckets, kept as versions (see
 * `MaintenanceVersion`): a change or a deletion at instant c leaves what the
 * window covered before c as it was.
 */
export class MaintenanceStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Announces a window, in force from `now`; undefined when the bucket is gone. */
  async create(
    bucketId: string,
    window: NewMaintenanceWindow,
    createdBy: string,
    now: number,
  ): Promise<MaintenanceWindowRecord | undefined> {
    const row = rowOf(window, {
      window_id: randomUUID(),
      version: 1,
      bucket_id: bucketId,
      in_force_from: now,
      created_at: now,
      created_by: createdBy,
      imported: 0,
    });
    try {
      await this.db.insertInto('maintenance_versions').values(row).execute();
    } catch (error) {
      if (isForeignKeyViolation(error)) return undefined;
      throw error;
    }
    return recordOf(row);
  }

  /** The bucket's windows in force now (not deleted), by start. */
  async list(bucketId: string): Promise<MaintenanceWindowRecord[]> {
    const rows = await this.db
      .selectFrom('maintenance_versions')
      .selectAll()
      .where('bucket_id', '=', bucketId)
      .where('in_force_until', 'is', null)
      .orderBy('start_at')
      .orderBy('window_id')
      .execute();
    return rows.map(recordOf);
  }

  /** One window of the bucket as it is now; undefined when there is none (or it was deleted). */
  async find(bucketId: string, windowId: string): Promise<MaintenanceWindowRecord | undefined> {
    const row = await this.current(this.db, bucketId, windowId);
    return row && recordOf(row);
  }

  /**
   * Every version of the bucket's windows, deleted ones included (the past
   * keeps counting): one read of the bucket's index.
   *
   * @example
   * const covered = maintenanceOf(await store.maintenance.versions(bucketId), nodeId, from, to);
   */
  async versions(bucketId: string): Promise<MaintenanceVersion[]> {
    const rows = await this.db.selectFrom('maintenance_versions').selectAll().where('bucket_id', '=', bucketId).execute();
    return rows.map((row) => ({
      windowId: row.window_id,
      definition: definitionOf(row),
      inForceFrom: row.in_force_from,
      inForceUntil: row.in_force_until,
    }));
  }

  /**
   * Changes a window from `now` on: the version in force ends at `now` and
   * the new definition is in force from then. The window as it now is, or
   * undefined when there is none.
   */
  async update(
    bucketId: string,
    windowId: string,
    window: NewMaintenanceWindow,
    now: number,
  ): Promise<MaintenanceWindowRecord | undefined> {
    return this.changing(bucketId, windowId, now, async (trx, closed) => {
      const row = rowOf(window, {
        window_id: windowId,
        version: closed.version + 1,
        bucket_id: bucketId,
        in_force_from: Math.max(now, closed.in_force_from),
        created_at: closed.created_at,
        created_by: closed.created_by,
        imported: closed.imported,
      });
      await trx.insertInto('maintenance_versions').values(row).execute();
      return recordOf(row);
    });
  }

  /** Ends a window at `now` (its past part stays); false when there is none. */
  async delete(bucketId: string, windowId: string, now: number): Promise<boolean> {
    return (await this.changing(bucketId, windowId, now, async () => true)) ?? false;
  }

  /**
   * Closes the version in force at `now` and runs `then` in the same
   * transaction; undefined when the window has no version in force. On
   * PostgreSQL, a change that waited for a concurrent one to commit finds
   * the version it locked closed, and the new one outside its statement's
   * snapshot: it looks again, so it applies after the other instead of
   * answering "no such window".
   */
  private async changing<T>(
    bucketId: string,
    windowId: string,
    now: number,
    then: (trx: Transaction<Database>, closed: VersionRow) => Promise<T>,
  ): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.db.transaction().execute(async (trx) => {
        const closed = await this.close(trx, bucketId, windowId, now);
        return closed && { value: await then(trx, closed) };
      });
      if (result) return result.value;
      // Each time round, another change got in first: as many tries as there were changes at once.
      if (attempt >= MAX_CHANGE_ATTEMPTS || !(await this.current(this.db, bucketId, windowId))) return undefined;
    }
  }

  /**
   * Stores past windows, all or nothing, each in force over its whole
   * definition and marked imported. A `BucketGoneError` when a bucket was
   * deleted since the caller checked it (nothing is stored then).
   */
  async importAll(windows: readonly ImportedMaintenanceWindow[], now: number): Promise<MaintenanceWindowRecord[]> {
    const rows = windows.map((window) =>
      rowOf(window, {
        window_id: randomUUID(),
        version: 1,
        bucket_id: window.bucketId,
        in_force_from: window.definition.start,
        created_at: now,
        created_by: OPERATOR_AUTHOR,
        imported: 1,
      }),
    );
    try {
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
          await trx
            .insertInto('maintenance_versions')
            .values(rows.slice(i, i + ROWS_PER_INSERT))
            .execute();
        }
      });
    } catch (error) {
      if (!isForeignKeyViolation(error)) throw error;
      const bucketIds = [...new Set(windows.map((w) => w.bucketId))];
      const existing = await this.db.selectFrom('buckets').select('id').where('id', 'in', bucketIds).execute();
      const found = new Set(existing.map((b) => b.id));
      throw new BucketGoneError(bucketIds.filter((id) => !found.has(id)));
    }
    return rows.map(recordOf);
  }

  private async current(
    db: Kysely<Database> | Transaction<Database>,
    bucketId: string,
    windowId: string,
    lock = false,
  ): Promise<VersionRow | undefined> {
    let query = db
      .selectFrom('maintenance_versions')
      .selectAll()
      .where('bucket_id', '=', bucketId)
      .where('window_id', '=', windowId)
      .where('in_force_until', 'is', null);
    if (lock && isPostgres(db)) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  /**
   * Ends the version in force at `now`. A version that covered nothing yet
   * (its start, or its time in force, not before `now`) is deleted instead:
   * announced-and-moved windows leave no rows behind. The closed version,
   * or undefined when the window has none in force.
   */
  private async close(
    trx: Transaction<Database>,
    bucketId: string,
    windowId: string,
    now: number,
  ): Promise<VersionRow | undefined> {
    const row = await this.current(trx, bucketId, windowId, true);
    if (!row) return undefined;
    const byKey = trx.deleteFrom('maintenance_versions').where('window_id', '=', windowId).where('version', '=', row.version);
    if (row.start_at >= now || row.in_force_from >= now) await byKey.execute();
    else {
      await trx
        .updateTable('maintenance_versions')
        .set({ in_force_until: now })
        .where('window_id', '=', windowId)
        .where('version', '=', row.version)
        .execute();
    }
    return row;
  }
}
