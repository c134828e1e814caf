import { createHash, timingSafeEqual } from 'node:crypto';
import { verifyHexHmacSha256 } from './hmac-signature.ts';

const HEX_SIGNATURE = /^(?:sha256=)?([0-9a-f]{64})$/i;

/**
 * True when `header` (X-Hub-Signature, as Confluence Data Center sends it with a webhook secret) is the HMAC-SHA256
 * hex digest of the raw body keyed with `secret`, with or without a `sha256=` prefix (the prefix is not documented
 * either way; https://confluence.atlassian.com/doc/managing-webhooks-1021225606.html).
 */
export function verifyConfluenceSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  return verifyHexHmacSha256(secret, rawBody, header, HEX_SIGNATURE);
}

/**
 * True when `header` (X-Inlet-Webhook-Secret, set by a Forge/Connect relay or an automation rule on Confluence Cloud,
 * which cannot sign bodies) equals `secret`. Both sides are hashed first so the comparison is constant-time
 * whatever their lengths.
 */
export function verifyConfluenceSharedSecret(secret: string, header: string | undefined): boolean {
  if (secret === '' || header === undefined || header === '') return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(header.trim()), digest(secret));
}
