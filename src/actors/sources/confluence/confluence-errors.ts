import type { FailureClass, HttpFailure } from '../http/source-http-client.ts';
import { headerOf } from '../http/retry-after.ts';

/**
 * What a failed Confluence answer means: 429 is a rate limit (https://developer.atlassian.com/cloud/confluence/rate-limiting/);
 * 401 and 403 are permanent (bad credentials or no access to the space, named by `auth`); anything else follows the
 * common rule (source-http-client.ts).
 */
export function classifyConfluenceFailure(auth: string): (failure: HttpFailure) => FailureClass | undefined {
  return ({ status, headers, detail }) => {
    if (status === 429) return { class: 'rate_limited', reason: headerOf(headers, 'ratelimit-reason') ?? 'HTTP 429' };
    if (status === 401) return { class: 'permanent', message: `Confluence rejected the credentials (401): check ${auth}` };
    if (status === 403) {
      return { class: 'permanent', message: `Confluence refused access (403): the ${auth} user needs read access to the configured spaces (${detail.slice(0, 200)})` };
    }
    return undefined;
  };
}
