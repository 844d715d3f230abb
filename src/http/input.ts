import { isIP } from 'node:net';
import { parseDateTime } from '../time/instant.js';
import { ApiError } from './api-error.js';

// Checks that a JSON Schema cannot express (trimming, real dates), each
// raising a 400 that names the field.

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// JSON can escape half of a surrogate pair ("\ud800"), which is no character:
// the stores would keep U+FFFD instead, so what is stored would differ from what was answered.
const LONE_SURROGATE = /\p{Cs}/u;

function requireUnicode(field: string, text: string): void {
  if (LONE_SURROGATE.test(text)) throw ApiError.badRequest(`${field} holds half of a surrogate pair, which is no character`);
}

/** A trimmed name of 1-200 characters without control characters. */
export function requireName(field: string, value: string): string {
  const name = value.trim();
  if (name.length < 1 || name.length > 200) throw ApiError.badRequest(`${field} must be 1-200 characters after trimming`);
  if (CONTROL.test(name)) throw ApiError.badRequest(`${field} may not contain control characters`);
  requireUnicode(field, name);
  return name;
}

/** Like `requireName`, for optional fields: undefined and null stay null. */
export function optionalName(field: string, value: string | null | undefined): string | null {
  return value === undefined || value === null ? null : requireName(field, value);
}

/** An instant in the API's only accepted form, as epoch milliseconds. */
export function requireInstant(field: string, text: string): number {
  const instant = parseDateTime(text);
  if (instant === undefined) {
    throw ApiError.badRequest(
      `${field} must be an RFC 3339 date-time with an offset and at most 3 fractional digits, e.g. 2024-01-15T10:30:00.000Z; got ${JSON.stringify(text.slice(0, 64))}`,
    );
  }
  return instant;
}

export function requireIp(field: string, value: string): string {
  if (isIP(value) === 0) throw ApiError.badRequest(`${field} must be an IPv4 or IPv6 address`);
  return value;
}

const HOST = /^[a-z0-9.*-]{1,253}$/;

export function requireHost(field: string, value: string): string {
  if (!HOST.test(value)) throw ApiError.badRequest(`${field} must be 1-253 characters of a-z, 0-9, ".", "-" and "*"`);
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function requireEmail(value: string): string {
  const email = value.trim();
  if (email.length > 254 || !EMAIL.test(email)) throw ApiError.badRequest('email must be an email address');
  requireUnicode('email', email);
  return email;
}
