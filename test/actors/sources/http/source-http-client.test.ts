import { describe, expect, it } from 'vitest';
import { RequestPacer } from '../../../../src/actors/sources/http/request-pacer.ts';
import { MAX_PAUSE_MS, retryAfterMs } from '../../../../src/actors/sources/http/retry-after.ts';
import { type FailureClass, SourceHttpClient } from '../../../../src/actors/sources/http/source-http-client.ts';
import { isRateLimitedError, isSourceHttpError, isSourceNotFoundError, isSourcePermanentError } from '../../../../src/actors/sources/source-errors.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');

/** A client whose classification is fixed by the test, and a transport that fails with `error`. */
function failing(verdict: FailureClass, error: unknown) {
  const client = new SourceHttpClient({ connector: 'src', timeoutMs: 1000, pacer: new RequestPacer({}), classify: () => verdict, now: () => NOW });
  return { client, call: () => client.call(undefined, () => Promise.reject(error)).catch((e: unknown) => e) };
}

describe('Retry-After, read once for every source', () => {
  it('reads delta-seconds and HTTP dates, from fetch Headers or a plain header object', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }), NOW)).toBe(7000);
    expect(retryAfterMs({ 'Retry-After': new Date(NOW + 30_000).toUTCString() }, NOW)).toBe(30_000);
    expect(retryAfterMs({}, NOW)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
  });

  it('clamps to 1 s .. 1 h: a zero or past hint waits a second, an absurd one an hour', () => {
    expect(retryAfterMs({ 'retry-after': '0' }, NOW)).toBe(1000);
    expect(retryAfterMs({ 'retry-after': '9223372036854775807' }, NOW)).toBe(MAX_PAUSE_MS);
  });
});

describe('the sources’ HTTP client', () => {
  it('turns a rate-limit verdict into a RateLimitedError, preferring Retry-After over the source’s own pause', async () => {
    const withHeader = failing({ class: 'rate_limited', reason: '429', pauseMs: 90_000 }, { status: 429, headers: { 'retry-after': '5' } });
    const error = await withHeader.call();
    expect(isRateLimitedError(error) && error.retryAfterMs).toBe(5000);
    const withoutHeader = failing({ class: 'rate_limited', reason: '403', pauseMs: 90_000 }, { status: 403, response: { headers: {} } });
    expect(((await withoutHeader.call()) as { retryAfterMs: number }).retryAfterMs).toBe(90_000);
    expect(withoutHeader.client.counters.rate_limited).toBe(1);
  });

  it('counts only outages against the breaker: no answer and 5xx, not rate limits, permanent refusals or not found', async () => {
    const cases: [FailureClass, unknown, boolean][] = [
      [{ class: 'outage' }, new TypeError('fetch failed'), true],
      [{ class: 'outage' }, { status: 503 }, true],
      [{ class: 'rate_limited', reason: 'x' }, { status: 429 }, false],
      [{ class: 'permanent', message: 'bad token' }, { status: 401 }, false],
      [{ class: 'not_found' }, { status: 404 }, false],
      [{ class: 'refused' }, { status: 400 }, false],
    ];
    for (const [verdict, raw, outage] of cases) {
      const { client, call } = failing(verdict, raw);
      expect(client.isOutage(await call())).toBe(outage);
    }
  });

  it('gives each verdict its error class', async () => {
    expect(isSourcePermanentError(await failing({ class: 'permanent', message: 'bad token' }, { status: 401 }).call())).toBe(true);
    expect(isSourceNotFoundError(await failing({ class: 'not_found' }, { status: 404 }).call())).toBe(true);
    expect(isSourceHttpError(await failing({ class: 'refused' }, { status: 409 }).call())).toBe(true);
    const network = new TypeError('fetch failed');
    expect(await failing({ class: 'outage' }, network).call()).toBe(network);
  });

  it('answers null for not found through orNull, and sends nothing once the poll is abandoned', async () => {
    const { client } = failing({ class: 'not_found' }, { status: 404 });
    expect(await client.orNull(undefined, () => Promise.reject({ status: 404 }))).toBeNull();
    const controller = new AbortController();
    controller.abort();
    let sent = false;
    await expect(client.call(controller.signal, async () => (sent = true))).rejects.toThrow();
    expect(sent).toBe(false);
  });
});
