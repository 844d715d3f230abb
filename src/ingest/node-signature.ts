import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** An Ed25519 signature is 64 bytes: 86 base64 characters, then the `==` padding (optional here). */
const ED25519_SIGNATURE_BASE64 = /^[A-Za-z0-9+/]{86}(==)?$/;

// Parsing a PEM costs as much again as the verification itself (≈ 160 µs
// here): each node's key is parsed once and kept while the node reports.
const keys = new LRUCache<string, KeyObject>({ max: 10_000 });

function publicKeyOf(pem: string): KeyObject {
  let key = keys.get(pem);
  if (key === undefined) {
    key = createPublicKey(pem);
    keys.set(pem, key);
  }
  return key;
}

/**
 * Whether `signatureBase64` is the base64 of a valid Ed25519 signature of
 * exactly `body` under `publicKeyPem`. Never throws: a header that is not
 * base64, a signature of the wrong length or an unusable key is simply not a
 * valid signature, so callers can answer 401 without telling junk apart from
 * forgery.
 *
 * @example
 * if (!hasValidSignature(bytes, header, node.public_key)) throw ApiError.unauthorized('bad signature');
 */
export function hasValidSignature(body: Buffer, signatureBase64: string, publicKeyPem: string): boolean {
  // Buffer.from(..., 'base64') skips characters it does not know; a strict
  // pattern keeps one signature from having many accepted spellings.
  if (!ED25519_SIGNATURE_BASE64.test(signatureBase64)) return false;
  try {
    return verify(null, body, publicKeyOf(publicKeyPem), Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
