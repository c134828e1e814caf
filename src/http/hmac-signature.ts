import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * True when `header` holds the HMAC-SHA256 of the raw body keyed with `secret`, as hex captured by `pattern`'s first
 * group (each sender writes the digest its own way: `sha256=<hex>` or bare hex). Constant-time; an empty secret, a
 * missing or malformed header never verifies.
 */
export function verifyHexHmacSha256(secret: string, rawBody: Buffer, header: string | undefined, pattern: RegExp): boolean {
  if (secret === '' || header === undefined) return false;
  // A full-match pattern matters: Buffer.from(hex) silently stops at the first non-hex character.
  const hex = pattern.exec(header.trim())?.[1];
  if (hex === undefined) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  // timingSafeEqual throws on unequal lengths; a 64-hex pattern gives 32 bytes, but keep the guard next to the call.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
