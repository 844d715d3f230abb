/**
 * The TypeScript client of the Flashback bucket statistics service: a
 * drop-in for the platform's `ApiClient`, with the operator's calls added.
 *
 * @example
 * import { ApiClient, HttpError } from '@flashback/bucket-stats-client';
 * const client = new ApiClient('http://127.0.0.1:3000');
 * client.setAuthToken(token);
 * const { nodeStats } = await client.getBucketNodeStats(bucketId, { day: new Date('2024-01-15T00:00:00Z') });
 *
 * @module
 */
export { ApiClient } from './api-client.js';
export { AccessType, NodeStatusType, StorageType } from './enums.js';
export { HttpError } from './http-error.js';
export type * from './types.js';
