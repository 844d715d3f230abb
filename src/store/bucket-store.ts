import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { isForeignKeyViolation } from './constraint-errors.js';
import { isPostgres } from './dialect.js';
import type { BucketTable, Database } from './database-schema.js';
import type { DeletedSeriesPurge } from './deleted-series-purge.js';
import { RecentValues } from './recent-cache.js';
import type { StoreEvents } from './store-events.js';

export type BucketRecord = Selectable<BucketTable>;

export interface NewBucket {
  name: string;
  workspaceId: string;
  storageType: string;
  bucket: string | null;
  endpoint: string | null;
  region: string | null;
}

/** The workspace a bucket was being created in was deleted meanwhile (nothing was created). */
export class WorkspaceGoneError extends Error {
  override name = 'WorkspaceGoneError';

  constructor(readonly workspaceId: string) {
    super(`no workspace ${workspaceId}`);
  }
}

/** What `BucketStore.update` changes: the name, and each other field that is not `undefined`. */
export interface BucketChanges {
  name: string;
  storageType?: string | undefined;
  bucket?: string | null | undefined;
  endpoint?: string | null | undefined;
  region?: string | null | undefined;
}

/** Customers' storage buckets, each in exactly one workspace. */
export class BucketStore {
  private readonly byId = new RecentValues<BucketRecord>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: StoreEvents,
    private readonly purge: DeletedSeriesPurge,
  ) {}

  /** Creates a bucket; a `WorkspaceGoneError` when its workspace was deleted since the caller looked. */
  async create(bucket: NewBucket, now: number): Promise<BucketRecord> {
    const record: BucketRecord = {
      id: randomUUID(),
      workspace_id: bucket.workspaceId,
      name: bucket.name,
      storage_type: bucket.storageType,
      bucket: bucket.bucket,
      endpoint: bucket.endpoint,
      region: bucket.region,
      created_at: now,
    };
    try {
      await this.db.insertInto('buckets').values(record).execute();
    } catch (error) {
      throw isForeignKeyViolation(error) ? new WorkspaceGoneError(bucket.workspaceId) : error;
    }
    return record;
  }

  /**
   * Changes a bucket's name and the other fields given (`undefined`: left
   * as it is; `null`: cleared). The bucket as it now is, or `undefined`
   * when it does not exist (any more).
   */
  async update(bucketId: string, changes: BucketChanges): Promise<BucketRecord | undefined> {
    const { name, storageType, bucket, endpoint, region } = changes;
    const updated = await this.db
      .updateTable('buckets')
      .set({
        name,
        ...(storageType !== undefined && { storage_type: storageType }),
        ...(bucket !== undefined && { bucket }),
        ...(endpoint !== undefined && { endpoint }),
        ...(region !== undefined && { region }),
      })
      .where('id', '=', bucketId)
      .returningAll()
      .executeTakeFirst();
    this.byId.delete(bucketId);
    return updated;
  }

  /** The bucket as last read, if it was read recently (see `RecentValues`); never asks the store. */
  kept(bucketId: string): BucketRecord | undefined {
    return this.byId.get(bucketId);
  }

  /** Looked up on every stats call, so recent hits are kept (see `RecentValues`). */
  async find(bucketId: string): Promise<BucketRecord | undefined> {
    return this.byId.load(bucketId, () =>
      this.db.selectFrom('buckets').selectAll().where('id', '=', bucketId).executeTakeFirst(),
    );
  }

  /** The ids among `bucketIds` that exist. */
  async existing(bucketIds: readonly string[]): Promise<Set<string>> {
    const found = new Set(bucketIds.filter((id) => this.byId.has(id)));
    const unknown = bucketIds.filter((id) => !found.has(id));
    if (unknown.length === 0) return found;
    const started = this.byId.begin();
    // On PostgreSQL one array parameter, as the store's other multi-row statements: an IN list of a node's
    // 1 000 buckets is 1 000 parameters to compile, send and plan for every request.
    const rows = await this.db
      .selectFrom('buckets')
      .selectAll()
      .where((eb) => (isPostgres(this.db) ? sql<boolean>`id = any(${unknown}::text[])` : eb('id', 'in', unknown)))
      .execute();
    for (const row of rows) {
      this.byId.keep(row.id, row, started);
      found.add(row.id);
    }
    return found;
  }

  /** Buckets of the given workspaces, or of all workspaces when `workspaceIds` is null. */
  async list(workspaceIds: readonly string[] | null): Promise<BucketRecord[]> {
    if (workspaceIds !== null && workspaceIds.length === 0) return [];
    let query = this.db.selectFrom('buckets').selectAll().orderBy('name').orderBy('id');
    if (workspaceIds !== null) query = query.where('workspace_id', 'in', workspaceIds);
    return query.execute();
  }

  /**
   * Deletes the bucket with its reports and rollups. The bucket and its
   * series go in one short transaction: from its commit on the bucket is
   * gone for every reader, and an ingest transaction finds it gone (its
   * reports are refused, `writeGroup`). Its reports and rollups then go in
   * chunks (`DeletedSeriesPurge`), which this waits for, while every other
   * write goes on.
   *
   * @example
   * await store.buckets.delete(bucketId);
   */
  async delete(bucketId: string): Promise<void> {
    const seriesIds = await this.db.transaction().execute(async (trx) => {
      if (isPostgres(trx)) {
        // Waits for the ingest transactions in flight, and holds back the next ones until this commits: each
        // locks rows of `nodes` first (`WriteOps.lockNodes`), which this mode excludes (plain reads go on).
        // One that found the bucket has committed, series made included, before the statements below read;
        // one after finds it gone. A lock of the table, not of its rows: a node made meanwhile is held too.
        await sql`lock table nodes in exclusive mode`.execute(trx);
      }
      // The series deleted are the ones whose reports and rollups go: one statement decides.
      const ids = (await trx.deleteFrom('series').where('bucket_id', '=', bucketId).returning('id').execute()).map((s) => s.id);
      for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
        const chunk = ids.slice(i, i + IDS_PER_STATEMENT);
        await trx
          .insertInto('deleted_series')
          .values(chunk.map((id) => ({ series_id: id })))
          .execute();
        // Few (seconds of live reports), and the writer would move them where the purge has passed.
        if (!isPostgres(trx)) await trx.deleteFrom('reports_recent').where('series_id', 'in', chunk).execute();
      }
      await trx.deleteFrom('buckets').where('id', '=', bucketId).execute();
      return ids;
    });
    this.byId.delete(bucketId);
    this.events.emit('bucketDeleted', bucketId);
    await this.purge.purge(seriesIds);
  }
}

// Keeps the statements of a bucket of many series under both stores' bound-parameter limits.
const IDS_PER_STATEMENT = 500;
