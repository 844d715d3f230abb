import assert from 'node:assert/strict';
import { HttpError } from '@flashback/bucket-stats-client';

/**
 * Asserts that `call` rejects with an instance of `type`, and returns it.
 *
 * @example
 * const error = await rejectsWith(client.getWorkspaces(), ServiceUnreachableError);
 */
export async function rejectsWith<E extends Error>(call: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  let caught: unknown;
  await assert.rejects(call, (error) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof type, `a ${type.name}, not ${String(caught)}`);
  return caught;
}

/**
 * Asserts that `call` rejects with an HttpError of `status` (and a service
 * message matching `message`), and returns it.
 *
 * @example
 * await httpError(grace.client.getStorageBucketStatus(bucketId), 403, /not in any of your workspaces/);
 */
export async function httpError(call: Promise<unknown>, status: number, message?: RegExp): Promise<HttpError> {
  const error = await rejectsWith(call, HttpError);
  assert.equal(error.status, status, error.data?.message);
  if (message) assert.match(error.data?.message ?? '', message);
  return error;
}
