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

/**
 * A constant-time test for one token hash (the operator's, checked on every
 * call), its bytes decoded once.
 *
 * @example
 * const isOperator = matchesHash(hashToken(operatorToken));
 * isOperator(hashToken(presented)) // true or false, in the same time
 */
export function matchesHash(expected: string): (hash: string) => boolean {
  const want = Buffer.from(expected, 'hex');
  return (hash) => {
    const got = Buffer.from(hash, 'hex');
    return got.length === want.length && timingSafeEqual(got, want);
  };
}
