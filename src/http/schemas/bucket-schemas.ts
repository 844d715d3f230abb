import { Type, type Static } from '@sinclair/typebox';
import { DateTimeOut, Id, Name, Nullable, StringEnum } from './common-schemas.js';

export const STORAGE_TYPES = ['S3', 'GCS', 'BLOB'] as const;
export const StorageType = StringEnum(STORAGE_TYPES);

const Optional255 = Type.Optional(Nullable(Type.String({ maxLength: 1000 })));

export const CreateBucketRequest = Type.Object({
  name: Name,
  workspaceId: Id,
  storageType: Type.Optional(StorageType),
  bucket: Optional255,
  endpoint: Optional255,
  region: Optional255,
});

export const CreateBucketResponse = Type.Object({ success: Type.Boolean(), bucketId: Id });

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

export const GetBucketsQuery = Type.Object({ workspaceId: Type.Optional(Id) });
export const GetBucketsResponse = Type.Object({ success: Type.Boolean(), buckets: Type.Array(StorageBucket) });
