/**
 * What a poll ends with, for `inlet_connector_polls_total{outcome}` (issue 14: errors by class): `done`, or the class of
 * its error. `outage`: the source did not answer or answered 5xx (what the breaker counts); `rate_limited`: the source
 * asked to slow down; `auth`: a failure retrying will not fix (bad or revoked token, no access, repository not found);
 * `bad_response`: the source answered, but not with what inlet can use (a 4xx, a 404, an answer that does not parse);
 * `queue`: the changes could not be queued (queue full or unreachable).
 */
export const POLL_OUTCOMES = ['done', 'outage', 'rate_limited', 'auth', 'bad_response', 'queue'] as const;

/** One of `POLL_OUTCOMES`. */
export type PollOutcomeClass = (typeof POLL_OUTCOMES)[number];

/**
 * The class of a failed poll's error, from the error's stable `code` (src/actors/sources/source-errors.ts,
 * src/actors/queue/queue-errors.ts). Errors without a known code (connection refused, timeouts, a folder gone) are the
 * source being down, as the sources' own outage classifiers read them.
 */
export function pollErrorClassOf(error: unknown): Exclude<PollOutcomeClass, 'done'> {
  const { code, status } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; status?: unknown };
  switch (code) {
    case 'RATE_LIMITED':
      return 'rate_limited';
    case 'SOURCE_PERMANENT':
      return 'auth';
    case 'SOURCE_NOT_FOUND':
    case 'INVALID_EVENT':
      return 'bad_response';
    case 'SOURCE_HTTP':
      return typeof status === 'number' && status >= 500 ? 'outage' : 'bad_response';
    case 'QUEUE_FULL':
    case 'QUEUE_UNAVAILABLE':
    case 'QUEUE_ERROR':
      return 'queue';
    default:
      return error instanceof SyntaxError ? 'bad_response' : 'outage';
  }
}
