import type { FailureClass, HttpFailure } from '../http/source-http-client.ts';

/**
 * What a failed Notion call means: 429 (`rate_limited`) and 529 (`service_overload`) are rate limits
 * (https://developers.notion.com/reference/request-limits); 401 and 403 are permanent (token revoked or page not
 * shared); anything else follows the common rule (source-http-client.ts).
 */
export function classifyNotionFailure({ status, detail }: HttpFailure): FailureClass | undefined {
  if (status === 429 || status === 529) return { class: 'rate_limited', reason: `HTTP ${status} ${detail}`.trim() };
  if (status === 401 || status === 403) {
    return {
      class: 'permanent',
      message: `Notion refused the request (${status}): token revoked or page not shared with the integration; check NOTION_TOKEN and share the pages with the integration (${detail})`,
    };
  }
  return undefined;
}
