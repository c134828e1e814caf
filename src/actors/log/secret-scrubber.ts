/** What replaces a secret. */
export const REDACTED = '[redacted]';

/** Replaces secrets inside one string: configured values, and credentials an upstream echoed back. */
export type SecretScrubber = (text: string) => string;

/**
 * Credentials that look like credentials whatever configured them: an echoed `Authorization` header, a Bearer or
 * Basic value, GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_) and Notion integration secrets (secret_,
 * ntn_). Issue 13: a GitHub 401 that echoed the Authorization header put the token into public health.
 */
const CREDENTIAL_SHAPES: [RegExp, string][] = [
  [/(authorization["']?\s*[:=]\s*["']?)(?:(?:bearer|token|basic)\s+)?[^\s"',;}]+/gi, `$1${REDACTED}`],
  [/\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{12,}/gi, `$1 ${REDACTED}`],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|secret_[A-Za-z0-9]{20,}|ntn_[A-Za-z0-9]{20,})/g, REDACTED],
];

/** Secrets shorter than this are masked only where they stand alone, so a 3-letter token does not shred every word. */
const WHOLE_WORD_BELOW = 4;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A scrubber for `secrets` (`secretsOf(config)`), applied to raw strings before anything serialises them, so a secret
 * holding a quote, a backslash or a control character is found as it is, not as JSON escapes it.
 */
export function createSecretScrubber(secrets: readonly string[]): SecretScrubber {
  const values = [...new Set(secrets.filter((s) => s.length > 0))];
  // Each secret as written, as JSON escapes it (an upstream's JSON body quoted in an error message) and as a URL
  // carries it (a query string in a request error). Longest first, so a secret that contains another is masked whole.
  const long = [...new Set(values.filter((s) => s.length >= WHOLE_WORD_BELOW).flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]))].sort(
    (a, b) => b.length - a.length,
  );
  const short = values.filter((s) => s.length < WHOLE_WORD_BELOW).map((s) => new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(s)}(?![A-Za-z0-9])`, 'g'));
  return (text) => {
    let out = text;
    for (const secret of long) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    for (const pattern of short) out = out.replace(pattern, REDACTED);
    for (const [pattern, replacement] of CREDENTIAL_SHAPES) out = out.replace(pattern, replacement);
    return out;
  };
}

/**
 * A copy of `value` with every string scrubbed, at any depth; errors become plain objects (type, message, stack,
 * code, cause and their other own fields) so their text is scrubbed too. Cycles end as `[circular]`.
 */
export function scrubDeep(value: unknown, scrub: SecretScrubber, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, scrub, seen));
  if (value instanceof Error) return scrubDeep(errorFields(value), scrub, seen);
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubDeep(item, scrub, seen);
  return out;
}

/** An error's fields in pino's `errWithCause` shape: `type`, `message`, `stack`, its own fields, and `cause`. */
function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { type: error.constructor?.name ?? 'Error', message: error.message, stack: error.stack };
  for (const [key, item] of Object.entries(error)) if (!(key in fields)) fields[key] = item;
  if (error.cause !== undefined) fields.cause = error.cause;
  if (error instanceof AggregateError) fields.errors = error.errors;
  return fields;
}
