/** Why access was refused: nothing of that id is there for the caller, or the caller may not do this. */
export type AccessRefusal = 'not-found' | 'forbidden';

/**
 * Access refused by auth's rules (`requireBucketRole` and the like). Auth
 * knows nothing of HTTP: the error handler answers a `not-found` with 404
 * and a `forbidden` with 403, in the API's error shape.
 *
 * @example
 * throw AccessError.forbidden('only the operator may do this');
 */
export class AccessError extends Error {
  override name = 'AccessError';

  constructor(
    readonly refusal: AccessRefusal,
    message: string,
  ) {
    super(message);
  }

  static notFound(message: string): AccessError {
    return new AccessError('not-found', message);
  }

  static forbidden(message: string): AccessError {
    return new AccessError('forbidden', message);
  }
}
