/**
 * The TypeScript client of the Flashback bucket statistics service: a
 * drop-in for the platform's `ApiClient`, with the operator's, the
 * dashboard's and the bridge nodes' calls added. No runtime dependencies:
 * the global `fetch` of Node 18+ and browsers.
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
export type { ApiClientOptions } from './client-options.js';
export { AccessType, NodeStatusType, StorageType, type EnumOrValue } from './enums.js';
export { errorMessage } from './error-message.js';
export { HttpError } from './http-error.js';
export {
  MAX_IMPORT_BATCH,
  type ImportedBatch,
  type ImportReportStream,
  type ImportStreamOptions,
  type ReportRefusal,
} from './report-stream.js';
export { isTransient, withRetries, type RetryOptions } from './retry-policy.js';
export { ServiceUnreachableError } from './service-unreachable-error.js';
export { UnexpectedAnswerError } from './unexpected-answer-error.js';
export type * from './types.js';
