/**
 * The answer of calls that only act (delete, add a member, revoke a token...).
 *
 * @example
 * const { success } = await client.deleteStorageBucket(bucketId);
 */
export interface ActionResponse {
  success: boolean;
  message?: string;
}

/**
 * The body of every error this service answers; `HttpError.data` holds it.
 *
 * @example
 * if (error instanceof HttpError) console.error(error.data?.message);
 */
export interface ErrorResponse {
  success: false;
  message: string;
}
