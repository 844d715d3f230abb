/**
 * No answer came: the connection was refused or reset, the name did not
 * resolve, or the call's timeout passed. A call aborted through the
 * caller's own signal throws that signal's reason instead.
 *
 * @example
 * try {
 *   await client.getWorkspaces();
 * } catch (error) {
 *   if (error instanceof ServiceUnreachableError) console.error(error.reason); // 'ECONNREFUSED', 'no answer in time'
 * }
 */
export class ServiceUnreachableError extends Error {
  override name = 'ServiceUnreachableError';

  constructor(
    /** The origin that was called, e.g. `http://127.0.0.1:3000`. */
    readonly url: string,
    /** A system error code when there is one (`ECONNREFUSED`), else what went wrong. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach the service at ${url}: ${reason}`, options);
  }
}
