import { verify } from 'node:crypto';

/** An Ed25519 signature is 64 bytes: 86 base64 characters, then the `==` padding (optional here). */
const ED25519_SIGNATURE_BASE64 = /^[A-Za-z0-9+/]{86}(==)?$/;

/**
 * Whether `signatureBase64` is the base64 of a valid Ed25519 signature of
 * exactly `body` under `publicKeyPem`. Never throws: a header that is not
 * base64, a signature of the wrong length or an unusable key is simply not a
 * valid signature, so callers can answer 401 without telling junk apart from
 * forgery.
 *
 * @example
 * if (!hasValidSignature(request.rawBody ?? Buffer.alloc(0), header, node.public_key)) throw ApiError.unauthorized('bad signature');
 */
export function hasValidSignature(body: Buffer, signatureBase64: string, publicKeyPem: string): boolean {
  // Buffer.from(..., 'base64') skips characters it does not know; a strict
  // pattern keeps one signature from having many accepted spellings.
  if (!ED25519_SIGNATURE_BASE64.test(signatureBase64)) return false;
  try {
    return verify(null, body, publicKeyPem, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
