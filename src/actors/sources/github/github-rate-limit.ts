import { headerOf, type HeaderInput } from '../http/retry-after.ts';

/** The core rate-limit budget as GitHub last reported it in `x-ratelimit-*` headers. */
export interface RateLimitBudget {
  limit: number | null;
  remaining: number | null;
  /** When the budget refills (epoch ms). */
  resetAt: number | null;
}

/** Reads `x-ratelimit-limit`, `-remaining` and `-reset` (epoch seconds) from a response; keeps what is absent. */
export function updateBudget(budget: RateLimitBudget, headers: HeaderInput): RateLimitBudget {
  if (!headers) return budget;
  const read = (name: string) => {
    const value = headerOf(headers, name);
    return value === undefined ? null : Number(value);
  };
  const limit = read('x-ratelimit-limit');
  const remaining = read('x-ratelimit-remaining');
  const reset = read('x-ratelimit-reset');
  return {
    limit: limit ?? budget.limit,
    remaining: remaining ?? budget.remaining,
    resetAt: reset === null ? budget.resetAt : reset * 1000,
  };
}
