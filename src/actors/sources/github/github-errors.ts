import type { FailureClass, HttpFailure } from '../http/source-http-client.ts';
import { headerOf } from '../http/retry-after.ts';

/**
 * What a failed GitHub answer means. A 403 or 429 is a rate limit when it says so: with no budget left it lasts until
 * `x-ratelimit-reset` (the framework prefers `retry-after` when present), otherwise (a secondary limit without a hint)
 * a minute (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api). Other 401 and 403 are
 * permanent, and so are 404 (unknown repository) and 422 (unknown ref). The rest follows the common rule
 * (source-http-client.ts): a 304 is a refusal the caller reads as "not modified".
 */
export function classifyGithubFailure(repoName: string, now: () => number): (failure: HttpFailure) => FailureClass | undefined {
  return ({ status, headers, detail }) => {
    if (status === 403 || status === 429) {
      const reason = `HTTP ${status}: ${detail}`;
      if (headerOf(headers, 'retry-after') !== undefined) return { class: 'rate_limited', reason };
      if (headerOf(headers, 'x-ratelimit-remaining') === '0') {
        const reset = Number(headerOf(headers, 'x-ratelimit-reset')) * 1000;
        return { class: 'rate_limited', reason, ...(Number.isFinite(reset) && reset > now() && { pauseMs: reset - now() }) };
      }
      if (status === 429 || /rate limit/i.test(detail)) return { class: 'rate_limited', reason };
    }
    if (status === 401) return { class: 'permanent', message: `GitHub rejected the token (401 ${detail}): check GITHUB_TOKEN` };
    if (status === 403) return { class: 'permanent', message: `GitHub refused access (403 ${detail}): the token needs read access to ${repoName}` };
    // GitHub answers an unknown ref with 422 ("No commit found for SHA") and an unknown repository with 404.
    if (status === 404 || status === 422) {
      return { class: 'permanent', message: `GitHub answered ${status} for ${repoName}: check metadata.owner, metadata.repo and metadata.branch, and that the token can read the repository` };
    }
    return undefined;
  };
}
