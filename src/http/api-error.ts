/**
 * An error whose status and message go to the caller as
 * `{"success": false, "message": ...}`. Anything else thrown is a 500
 * whose details stay in the log.
 *
 * @example
 * throw ApiError.notFound(`no bucket ${bucketId}`);
 */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }

  static badRequest(message: string): ApiError {
    return new ApiError(400, message);
  }

  static unauthorized(message: string): ApiError {
    return new ApiError(401, message);
  }

  static forbidden(message: string): ApiError {
    return new ApiError(403, message);
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, message);
  }

  static conflict(message: string): ApiError {
    return new ApiError(409, message);
  }

  static payloadTooLarge(message: string): ApiError {
    return new ApiError(413, message);
  }
}
