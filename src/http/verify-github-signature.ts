import { verifyHexHmacSha256 } from './hmac-signature.ts';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * True when `header` (X-Hub-Signature-256) is `sha256=` + the HMAC-SHA256 hex digest of the raw body keyed with `secret`.
 * node:crypto directly rather than @octokit/webhooks' `verify`: that one is async and takes a string, this is
 * synchronous on the bytes and cheaper per delivery.
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function verifyGithubSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  return verifyHexHmacSha256(secret, rawBody, header, SIGNATURE);
}
