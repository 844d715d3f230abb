import {
  ApiClient,
  errorMessage,
  HttpError,
  ServiceUnreachableError,
  UnexpectedAnswerError,
} from '@flashback/bucket-stats-client';

/** The service's clock as of its last answer (its Date header), so that "today" is the service's UTC day. */
let serverClock: { at: number; seenAt: number } | undefined;

function observeDate(response: Response): void {
  const date = Date.parse(response.headers.get('date') ?? '');
  if (Number.isFinite(date)) serverClock = { at: date, seenAt: Date.now() };
}

/**
 * The service's client as the dashboard uses it: same origin, the signed-in
 * token, nothing from the browser's cache, the service's clock followed.
 *
 * @example
 * const { workspaces } = await dashboardClient(token).getWorkspaces();
 */
export function dashboardClient(token: string): ApiClient {
  const client = new ApiClient(window.location.origin, { cache: 'no-store', onResponse: observeDate });
  client.setAuthToken(token);
  return client;
}

/**
 * Now by the service's clock once it has answered; the browser's clock before.
 *
 * @example
 * dayOf(serviceNow()) // '2024-01-15'
 */
export function serviceNow(): number {
  return serverClock ? serverClock.at + (Date.now() - serverClock.seenAt) : Date.now();
}

/**
 * The status of a refusal by the service (401, 403...), or `undefined` when
 * the call failed otherwise.
 *
 * @example
 * if (refusalStatus(error) === 401) signOut();
 */
export function refusalStatus(error: unknown): number | undefined {
  return error instanceof HttpError ? error.status : undefined;
}

/**
 * Why a call failed, in words for the person at the dashboard: the
 * service's own message when it refused.
 *
 * @example
 * say(region, `Could not load the buckets: ${failureText(error)}.`, 'error');
 */
export function failureText(error: unknown): string {
  if (error instanceof ServiceUnreachableError) return 'the service cannot be reached; check your connection and retry';
  if (error instanceof UnexpectedAnswerError) return 'the service answered something that is not JSON';
  return errorMessage(error);
}
