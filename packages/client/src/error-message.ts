import { HttpError } from './http-error.js';

/**
 * What went wrong, for a person: for an `HttpError`, the service's own
 * `message` (its `message` field is the platform's fixed `HTTP Error <status>:
 * <statusText>`), else the status line; for anything else, its message.
 *
 * @example
 * catch (error) { console.error(`could not list the workspaces: ${errorMessage(error)}`); }
 * // could not list the workspaces: the token is revoked
 */
export function errorMessage(error: unknown): string {
  if (error instanceof HttpError) {
    const said: unknown = error.data?.message;
    return typeof said === 'string' ? said : `HTTP ${error.status} ${error.statusText}`.trim();
  }
  return error instanceof Error ? error.message : String(error);
}
