import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Kysely, Selectable } from 'kysely';
import type { BucketTable, Database } from './database-schema.js';
import { keepRead, recentCache } from './recent-cache.js';
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

/** Customers' storage buckets, each in exactly one workspace. */
export class BucketStore {
  private readonly byId = recentCache<BucketRecord>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: StoreEvents,
  ) {}

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
    await this.db.insertInto('buckets').values(record).execute();
    return record;
  }

  /** Looked up on every stats call, so recent hits are kept (see `recentCache`). */
  async find(bucketId: string): Promise<BucketRecord | undefined> {
    const cached = this.byId.get(bucketId);
    if (cached) return cached;
    const readStartedAt = performance.now();
    const bucket = await this.db.selectFrom('buckets').selectAll().where('id', '=', bucketId).executeTakeFirst();
    if (bucket) keepRead(this.byId, bucketId, bucket, readStartedAt);
    return bucket;
  }

  /** The ids among `bucketIds` that exist. */
  async existing(bucketIds: readonly string[]): Promise<Set<string>> {
    const found = new Set(bucketIds.filter((id) => this.byId.has(id)));
    const unknown = bucketIds.filter((id) => !found.has(id));
    if (unknown.length === 0) return found;
    const readStartedAt = performance.now();
    const rows = await this.db.selectFrom('buckets').selectAll().where('id', 'in', unknown).execute();
    for (const row of rows) {
      keepRead(this.byId, row.id, row, readStartedAt);
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

  /** Deletes the bucket with its reports and rollups, all or nothing. */
  async delete(bucketId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const series = trx.selectFrom('series').select('id').where('bucket_id', '=', bucketId);
      await trx.deleteFrom('daily_rollups').where('series_id', 'in', series).execute();
      await trx.deleteFrom('reports').where('series_id', 'in', series).execute();
      await trx.deleteFrom('series').where('bucket_id', '=', bucketId).execute();
      await trx.deleteFrom('buckets').where('id', '=', bucketId).execute();
    });
    this.byId.delete(bucketId);
    this.events.emit('bucketDeleted', bucketId);
  }
}
