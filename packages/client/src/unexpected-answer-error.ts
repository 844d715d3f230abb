/**
 * A 2xx whose body is not JSON: whatever answered is not this service (a
 * captive portal, a web server at the wrong address).
 *
 * @example
 * if (error instanceof UnexpectedAnswerError) console.error(`${error.message}; is the base URL the service?`);
 */
export class UnexpectedAnswerError extends Error {
  override name = 'UnexpectedAnswerError';

  constructor(
    readonly status: number,
    /** The path that answered, e.g. `/workspace`. */
    readonly path: string,
  ) {
    super(`the answer from ${path} is not JSON`);
  }
}
