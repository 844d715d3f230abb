import { requestJson, serviceUrl, type HttpMethod } from './http-json.js';

export interface ServiceClientOptions {
  /** The service's base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** A user's or the operator's bearer token. */
  token: string;
  fetch?: typeof fetch;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

/**
 * The bearer-token calls of the HTTP API (api.md), answering parsed JSON and
 * throwing `ServiceError` / `ServiceUnreachableError` otherwise.
 *
 * @example
 * const client = new ServiceClient({ baseUrl: 'http://127.0.0.1:3000', token });
 * const { workspaces } = await client.get<{ workspaces: Workspace[] }>('/workspace');
 */
export class ServiceClient {
  constructor(private readonly options: ServiceClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  private request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    return requestJson<T>({
      method,
      url: serviceUrl(this.options.baseUrl, path),
      headers: { authorization: `Bearer ${this.options.token}` },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      ...(this.options.fetch && { fetch: this.options.fetch }),
      ...(this.options.timeoutMs !== undefined && { timeoutMs: this.options.timeoutMs }),
    });
  }
}

/**
 * A path segment from user input, escaped so that it cannot change the route.
 *
 * @example
 * client.delete(`/bucket/${segment(bucketId)}`)
 */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
