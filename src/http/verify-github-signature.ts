import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * True when `header` (X-Hub-Signature-256) is `sha256=` + the HMAC-SHA256 hex digest of the raw body keyed with `secret`.
 * An empty secret, a missing or malformed header never verifies. node:crypto directly rather than @octokit/webhooks'
 * `verify`: that one is async and takes a string, this is synchronous on the bytes and cheaper per delivery.
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function verifyGithubSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (secret === '' || header === undefined) return false;
  // The full-match pattern matters: Buffer.from(hex) silently stops at the first non-hex character.
  const hex = SIGNATURE.exec(header.trim())?.[1];
  if (hex === undefined) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  // timingSafeEqual throws on unequal lengths; both are 32 bytes here, but keep the guard next to the call.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
