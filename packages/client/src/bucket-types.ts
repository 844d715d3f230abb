import type { EnumOrValue, StorageType } from './enums.js';

/**
 * A storage bucket as listed. Fields left out at creation are `null`.
 *
 * @example
 * const names = (await client.getStorageBuckets(workspaceId)).buckets.map((bucket: StorageBucket) => bucket.name);
 */
export interface StorageBucket {
  id: string;
  name: string;
  workspaceId: string;
  storageType: StorageType;
  bucket: string | null;
  endpoint: string | null;
  region: string | null;
  createdAt: string;
}

/**
 * The body of `createStorageBucket`; `storageType` defaults to `S3`.
 *
 * @example
 * const request: CreateBucketRequest = { name: 'invoices', workspaceId, region: 'eu-west-1' };
 */
export interface CreateBucketRequest {
  name: string;
  workspaceId: string;
  storageType?: EnumOrValue<StorageType>;
  bucket?: string | null;
  endpoint?: string | null;
  region?: string | null;
}

/**
 * The answer of `createStorageBucket`.
 *
 * @example
 * const { bucketId } = await client.createStorageBucket({ name: 'invoices', workspaceId });
 */
export interface CreateBucketResponse {
  success: boolean;
  bucketId: string;
}

/**
 * The answer of `getStorageBuckets`.
 *
 * @example
 * const { buckets } = await client.getStorageBuckets();
 */
export interface GetBucketsResponse {
  success: boolean;
  buckets: StorageBucket[];
}

/**
 * The body of `updateStorageBucket`: the fields of `createStorageBucket`.
 * `workspaceId` must be the bucket's own (buckets do not move); an optional
 * field left out keeps its value, `null` clears it.
 *
 * @example
 * const request: UpdateBucketRequest = { name: 'invoices-2024', workspaceId, region: 'eu-west-1' };
 */
export type UpdateBucketRequest = CreateBucketRequest;

/**
 * The answer of `updateStorageBucket`.
 *
 * @example
 * const { bucketId } = await client.updateStorageBucket(bucketId, { name: 'invoices-2024', workspaceId });
 */
export interface UpdateBucketResponse {
  success: boolean;
  bucketId: string;
}
