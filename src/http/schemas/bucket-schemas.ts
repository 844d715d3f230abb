import { Type, type Static } from '@sinclair/typebox';
import { DateTimeOut, Id, Name, Nullable, StringEnum, UUID_PATTERN } from './common-schemas.js';

export const STORAGE_TYPES = ['S3', 'GCS', 'BLOB'] as const;
export const StorageType = StringEnum(STORAGE_TYPES);

const OptionalName = Type.Optional(Nullable(Name));

export const CreateBucketRequest = Type.Object({
  name: Name,
  workspaceId: Id,
  storageType: Type.Optional(StorageType),
  bucket: OptionalName,
  endpoint: OptionalName,
  region: OptionalName,
});

export const CreateBucketResponse = Type.Object({ success: Type.Boolean(), bucketId: Id });

/**
 * `PUT /bucket/{bucketId}` (the platform's `updateStorageBucket`) takes the
 * fields of `POST /bucket`: `workspaceId` must be the bucket's own (buckets
 * do not move); an optional field left out keeps its value, `null` clears it.
 */
export const UpdateBucketRequest = CreateBucketRequest;
export const UpdateBucketResponse = CreateBucketResponse;

export const StorageBucket = Type.Object({
  id: Id,
  name: Type.String(),
  workspaceId: Id,
  storageType: StorageType,
  bucket: Nullable(Type.String()),
  endpoint: Nullable(Type.String()),
  region: Nullable(Type.String()),
  createdAt: DateTimeOut,
});
export type StorageBucket = Static<typeof StorageBucket>;

/**
 * A workspace id, or no workspace as the platform's client says it: with no
 * argument it sends `workspaceId=undefined` (and a `walletAddress`, ignored
 * like every unknown field).
 */
export const WorkspaceFilter = Type.String({
  pattern: `^(${UUID_PATTERN}|undefined|)$`,
  description: 'A workspace id; empty or the literal "undefined" mean every workspace of the caller',
  examples: ['3f2c8a4e-5b1d-4e8f-9a7c-1d2e3f4a5b6c', 'undefined'],
});

/** The value of `WorkspaceFilter` that names a workspace, or `undefined` for all of the caller's. */
export function workspaceOfFilter(filter: string | undefined): string | undefined {
  return filter === undefined || filter === '' || filter === 'undefined' ? undefined : filter.toLowerCase();
}

export const GetBucketsQuery = Type.Object({ workspaceId: Type.Optional(WorkspaceFilter) });
export const GetBucketsResponse = Type.Object({ success: Type.Boolean(), buckets: Type.Array(StorageBucket) });
