import { HttpError } from '@flashback/bucket-stats-client';
import { isServiceFailure, serviceSaid } from '../service-failure.js';
import type { DiskBuffer } from './disk-buffer.js';
import type { NodeClient } from './node-client.js';

/** The most entries one `POST /node/status` may carry (api.md). */
export const MAX_STATUS_ENTRIES = 1000;

export interface FlushResult {
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Why sending stopped with entries left in the buffer, if it did. */
  failure?: string;
}

export interface FlushOptions {
  ip: string;
  region: string;
  log: (line: string) => void;
  /** Stop after the request in flight when aborted. */
  signal?: AbortSignal;
  maxEntriesPerRequest?: number;
}

/**
 * The body itself is wrong: sending it again cannot succeed. Anything else
 * (unreachable, 5xx, 429, a 401 while the operator fixes the node's key or
 * clock) may pass later, so the entries stay buffered.
 */
function isPermanent(error: unknown): error is HttpError {
  return error instanceof HttpError && (error.status === 400 || error.status === 413);
}

/**
 * Sends the buffer's entries oldest first, at most 1000 per signed request,
 * removing each chunk only after the service's 200. Entries the service
 * lists in `rejected` are logged and not retried.
 *
 * @example
 * const result = await flushBuffer(client, buffer, { ip, region, log });
 * if (result.failure) log(`kept ${buffer.size} entries: ${result.failure}`);
 */
export async function flushBuffer(client: NodeClient, buffer: DiskBuffer, options: FlushOptions): Promise<FlushResult> {
  const result: FlushResult = { sent: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const chunkSize = Math.min(options.maxEntriesPerRequest ?? MAX_STATUS_ENTRIES, MAX_STATUS_ENTRIES);
  try {
    while (buffer.size > 0) {
      const chunk = buffer.oldest(chunkSize);
      try {
        const answer = await client.sendStatus({ ip: options.ip, region: options.region, buckets: chunk });
        result.sent += chunk.length;
        result.accepted += answer.accepted;
        result.duplicates += answer.duplicates;
        result.rejected += answer.rejected.length;
        for (const r of answer.rejected) options.log(`rejected bucket ${r.bucketId} at ${r.createdAt}: ${r.message}`);
      } catch (error) {
        if (!isPermanent(error)) {
          if (!isServiceFailure(error)) throw error;
          result.failure = serviceSaid(error);
          break;
        }
        options.log(`dropped ${chunk.length} entries the service refused: ${serviceSaid(error)}`);
      }
      buffer.drop(chunk.length);
      if (options.signal?.aborted) break;
    }
  } finally {
    await buffer.persist();
  }
  return result;
}
