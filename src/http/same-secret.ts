import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * True when `given` equals the configured `expected` secret, in time that depends on neither: both are hashed first,
 * so a wrong length returns no sooner than a wrong byte (timingSafeEqual alone throws or returns early on lengths).
 * An empty `expected` matches nothing.
 */
export function sameSecret(given: string, expected: string): boolean {
  if (expected === '') return false;
  return timingSafeEqual(digest(given), digest(expected));
}
