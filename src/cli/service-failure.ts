import { errorMessage, HttpError, ServiceUnreachableError, UnexpectedAnswerError } from '@flashback/bucket-stats-client';

/**
 * Whether `error` is the service refusing, failing or not answering (what
 * the client throws), rather than a fault of the CLI itself.
 *
 * @example
 * if (!isServiceFailure(error)) throw error;
 */
export function isServiceFailure(error: unknown): error is HttpError | ServiceUnreachableError | UnexpectedAnswerError {
  return error instanceof HttpError || error instanceof ServiceUnreachableError || error instanceof UnexpectedAnswerError;
}

/**
 * What went wrong, in the CLI's words: the service's own message when it
 * refused, with a hint when what answered is not the service at all.
 *
 * @example
 * serviceSaid(error) // 'the email ada@example.com is already taken'
 */
export function serviceSaid(error: unknown): string {
  if (error instanceof UnexpectedAnswerError) return `${error.message}; is --url the service?`;
  return errorMessage(error);
}

/**
 * `serviceSaid`, and the status when something answered: the CLI's line for a failed call.
 *
 * @example
 * failureText(error) // 'the email ada@example.com is already taken (HTTP 409)'
 */
export function failureText(error: unknown): string {
  const answered = error instanceof HttpError || error instanceof UnexpectedAnswerError;
  return answered ? `${serviceSaid(error)} (HTTP ${error.status})` : serviceSaid(error);
}
