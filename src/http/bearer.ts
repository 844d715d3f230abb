import type { FastifyRequest } from 'fastify';
import { hashToken } from '../auth/token-secret.js';

const BEARER = /^Bearer +(\S+) *$/i;
const hashes = new WeakMap<FastifyRequest, string | null>();

/**
 * The hash of the request's bearer token, or null when the header is
 * missing or not `Bearer <token>`. Rate limiting and authentication both
 * need it on every call; it is computed once per request.
 *
 * @example
 * const hash = bearerTokenHash(request); // 'e3b0c4…' or null
 */
export function bearerTokenHash(request: FastifyRequest): string | null {
  let hash = hashes.get(request);
  if (hash === undefined) {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    hash = token === undefined ? null : hashToken(token);
    hashes.set(request, hash);
  }
  return hash;
}
