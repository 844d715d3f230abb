import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new bearer token: 32 random bytes, URL-safe, with a prefix that makes leaked ones easy to spot. */
export function generateToken(): string {
  return `fbk_${randomBytes(32).toString('base64url')}`;
}

/** The form in which a token is stored and looked up. */
export function hashToken(token: string): string {
  // The one-shot form: a third of the cost of createHash().update().digest() on a short string.
  return hash('sha256', token, 'hex');
}

/** Compares two token hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
