import type { Static } from '@sinclair/typebox';
import type { GetBucketsResponse } from '../../src/http/schemas/bucket-schemas.js';
import type {
  BucketNodeStatsRangeInfo,
  GetBucketLatencyResponse,
  GetBucketRangeStatsResponse,
} from '../../src/http/schemas/history-schemas.js';
import type { GetWorkspacesResponse } from '../../src/http/schemas/workspace-schemas.js';

// The answers' types come from the service's own schemas (types only: nothing of the server is bundled).
export type Workspace = Static<typeof GetWorkspacesResponse>['workspaces'][number];
export type Bucket = Static<typeof GetBucketsResponse>['buckets'][number];
export type RangeAnswer = GetBucketRangeStatsResponse;
export type RangeEntry = BucketNodeStatsRangeInfo;
export type LatencyAnswer = GetBucketLatencyResponse;

/** A refusal or failure of the service, with its status (0: it could not be reached). */
export class ServiceError extends Error {
  override name = 'ServiceError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The service's API as the dashboard uses it: same origin, bearer token,
 * every error as a `ServiceError` carrying the service's own message.
 *
 * @example
 * const api = new Api(token);
 * const { workspaces } = await api.workspaces();
 */
export class Api {
  /** The service's clock as of the last answer (its Date header), used to know "today" in UTC. */
  private serverNow: { at: number; seenAt: number } | undefined;

  constructor(private readonly token: string) {}

  /** Now by the service's clock, when known; the browser's clock otherwise. */
  now(): number {
    return this.serverNow ? this.serverNow.at + (Date.now() - this.serverNow.seenAt) : Date.now();
  }

  workspaces(): Promise<{ workspaces: Workspace[] }> {
    return this.call('GET', '/workspace');
  }

  buckets(workspaceId: string): Promise<{ buckets: Bucket[] }> {
    return this.call('GET', `/bucket?workspaceId=${encodeURIComponent(workspaceId)}`);
  }

  range(bucketId: string, from: string, to: string): Promise<RangeAnswer> {
    return this.call('POST', `/bucket/${encodeURIComponent(bucketId)}/stats/range`, { from, to });
  }

  latency(bucketId: string, day: string): Promise<LatencyAnswer> {
    return this.call('POST', `/bucket/${encodeURIComponent(bucketId)}/latency`, { day });
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        cache: 'no-store',
      });
    } catch {
      throw new ServiceError(0, 'the service cannot be reached; check your connection and retry');
    }
    const date = Date.parse(response.headers.get('date') ?? '');
    if (Number.isFinite(date)) this.serverNow = { at: date, seenAt: Date.now() };
    const answer = (await response.json().catch(() => undefined)) as { message?: unknown } | undefined;
    if (!response.ok) {
      const message = typeof answer?.message === 'string' ? answer.message : `HTTP ${response.status}`;
      throw new ServiceError(response.status, message);
    }
    if (answer === undefined) throw new ServiceError(response.status, 'the service answered something that is not JSON');
    return answer as T;
  }
}
