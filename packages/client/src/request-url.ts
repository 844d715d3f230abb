/**
 * `baseURL` and `path` joined by exactly one `/`, whatever slashes either
 * brings.
 *
 * @example
 * joinUrl('http://127.0.0.1:3000/', '/bucket'); // 'http://127.0.0.1:3000/bucket'
 */
export function joinUrl(baseURL: string, path: string): string {
  return `${baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * A plain object as a query string (with its `?`), leaving out `undefined`
 * and `null` values and sending a `Date` as its ISO string; anything that is
 * not a plain object gives no query string. A nested object has no agreed
 * form in a query string, so it is refused rather than sent as `[object Object]`.
 *
 * @example
 * queryString({ workspaceId: 'a1', page: undefined }); // '?workspaceId=a1'
 */
export function queryString(data: unknown): string {
  if (!isPlainObject(data)) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined || value === null) continue;
    if (value instanceof Date) params.append(key, value.toISOString());
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      params.append(key, String(value));
    else throw new TypeError(`query parameter ${key} must be a string, number, boolean or Date`);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * A path segment made of a caller's id, escaped so that no id can reach
 * another route.
 *
 * @example
 * `bucket/${segment(bucketId)}/stats`
 */
export function segment(id: string): string {
  return encodeURIComponent(id);
}
