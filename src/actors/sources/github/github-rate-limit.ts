/** The core rate-limit budget as GitHub last reported it in `x-ratelimit-*` headers. */
export interface RateLimitBudget {
  limit: number | null;
  remaining: number | null;
  /** When the budget refills (epoch ms). */
  resetAt: number | null;
}

type Headers = Record<string, string | number | undefined>;

/** Reads `x-ratelimit-limit`, `-remaining` and `-reset` (epoch seconds) from a response; keeps what is absent. */
export function updateBudget(budget: RateLimitBudget, headers: Headers | undefined): RateLimitBudget {
  if (!headers) return budget;
  const read = (name: string) => (headers[name] === undefined ? null : Number(headers[name]));
  const limit = read('x-ratelimit-limit');
  const remaining = read('x-ratelimit-remaining');
  const reset = read('x-ratelimit-reset');
  return {
    limit: limit ?? budget.limit,
    remaining: remaining ?? budget.remaining,
    resetAt: reset === null ? budget.resetAt : reset * 1000,
  };
}

/**
 * How long to pause after a 403 or 429 that is a rate limit (ms), or null when the answer is not a rate limit.
 * GitHub's documented order: `retry-after` when present; else, with no budget left, until `x-ratelimit-reset`;
 * else (a secondary limit without a hint) at least a minute.
 */
export function rateLimitPauseMs(status: number, headers: Headers | undefined, message: string, now: number): number | null {
  if (status !== 403 && status !== 429) return null;
  const retryAfter = headers?.['retry-after'];
  if (retryAfter !== undefined) return Math.max(1, Number(retryAfter)) * 1000;
  if (String(headers?.['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers?.['x-ratelimit-reset']) * 1000;
    return Number.isFinite(reset) && reset > now ? reset - now : 60_000;
  }
  if (status === 429 || /rate limit/i.test(message)) return 60_000;
  return null;
}
