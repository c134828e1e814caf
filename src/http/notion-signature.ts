import { verifyGithubSignature } from './verify-github-signature.ts';

/**
 * True when `header` (X-Notion-Signature) is `sha256=` + the HMAC-SHA256 hex digest of the raw body keyed with the
 * subscription's verification token, compared in constant time. Notion's scheme is byte for byte GitHub's
 * X-Hub-Signature-256, so the same strict check serves both: an empty key, a missing or malformed header never verifies.
 * https://developers.notion.com/reference/webhooks (SDK: `verifyWebhookSignature`, cross-checked in the route's test)
 */
export function verifyNotionSignature(key: string, rawBody: Buffer, header: string | undefined): boolean {
  return verifyGithubSignature(key, rawBody, header);
}
