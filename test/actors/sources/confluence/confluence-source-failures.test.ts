import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { MAX_PAUSE_MS } from '../../../../src/actors/sources/http/retry-after.ts';
import { isRateLimitedError, isSourcePermanentError } from '../../../../src/actors/sources/source-errors.ts';
import { type FakeConfluence, startFakeConfluence } from '../../../support/fake-confluence.ts';
import { confluencePoller, confluenceSourceFor, summary } from './confluence-test-kit.ts';

let fake: FakeConfluence | undefined;
afterEach(async () => fake?.close());

describe('Confluence source: rate limits', () => {
  it('turns a 429 with Retry-After into a rate limit that is not a breaker failure', async () => {
    fake = await startFakeConfluence();
    fake.addPage({ space: 'ENG', title: 'A' });
    const source = confluenceSourceFor(fake);
    const p = confluencePoller(source);
    fake.failNext(1, 429, { 'retry-after': '7', 'ratelimit-reason': 'jira-burst-based' });
    const error = await p.poll().catch((e: unknown) => e);
    expect(isRateLimitedError(error) && error.retryAfterMs).toBe(7_000);
    expect((error as Error).message).toContain('jira-burst-based');
    expect(p.breaker.getSnapshot().context.failures).toBe(0);
    expect(source.health()).toMatchObject({ rate_limited: 1 });
    expect(fake.requests).toHaveLength(1); // no retry inside the poll
  });

  it('clamps an absurd Retry-After (Long.MAX seconds) to the one-hour ceiling of every source', async () => {
    fake = await startFakeConfluence({ flavor: 'datacenter' });
    const p = confluencePoller(confluenceSourceFor(fake, {}, { flavor: 'datacenter' }));
    fake.failNext(1, 429, { 'retry-after': '9223372036854775807' });
    const error = await p.poll().catch((e: unknown) => e);
    expect(isRateLimitedError(error) && error.retryAfterMs).toBe(MAX_PAUSE_MS);
  });

  it('slows down before the limit when the site says X-RateLimit-NearLimit: true', async () => {
    fake = await startFakeConfluence({ maxPageSize: 1 });
    for (const title of ['A', 'B', 'C']) fake.addPage({ space: 'ENG', title });
    fake.setHeaders({ 'x-ratelimit-nearlimit': 'true', 'x-ratelimit-remaining': '40' });
    const waits: number[] = [];
    const clock = { now: () => Date.now(), sleep: async (ms: number) => void waits.push(ms) };
    const source = confluenceSourceFor(fake, { near_limit_pause_ms: 2000 }, { clock });
    expect(summary(await confluencePoller(source).poll())).toEqual(['upsert A', 'upsert B', 'upsert C']);
    expect(waits).toEqual([2000, 2000, 2000]); // every request after the first answer
    expect(source.health()).toMatchObject({ pacing: { waited: 3, remaining: 40, near_limit: true } });
  });

  it('slows down when few requests remain, and stops slowing once there is room again', async () => {
    fake = await startFakeConfluence({ maxPageSize: 1 });
    for (const title of ['A', 'B']) fake.addPage({ space: 'ENG', title });
    fake.setHeaders({ 'x-ratelimit-remaining': '3' });
    const waits: number[] = [];
    const clock = { now: () => Date.now(), sleep: async (ms: number) => void waits.push(ms) };
    const p = confluencePoller(confluenceSourceFor(fake, {}, { clock }));
    await p.poll();
    expect(waits.length).toBeGreaterThan(0);
    fake.setHeaders({ 'x-ratelimit-remaining': '500' });
    await p.poll(); // the first answer of this poll still follows a low one
    waits.length = 0;
    await p.poll();
    expect(waits).toEqual([]);
  });
});

describe('Confluence source: permanent failures and outages', () => {
  it('reports 401 as a permanent failure naming the credentials, without the token', async () => {
    fake = await startFakeConfluence();
    fake.requireAuthorization('Bearer right');
    const p = confluencePoller(confluenceSourceFor(fake, {}, { token: 'revoked-token' }));
    const error = await p.poll().catch((e: unknown) => e);
    expect(isSourcePermanentError(error) && error.status).toBe(401);
    expect((error as Error).message).toContain('CONFLUENCE_PAT');
    expect((error as Error).message).not.toContain('revoked-token');
    expect(p.breaker.getSnapshot().context.failures).toBe(0);
  });

  it('reports 403 as permanent, and an unknown space key as permanent naming metadata.spaces', async () => {
    fake = await startFakeConfluence();
    const p = confluencePoller(confluenceSourceFor(fake));
    fake.failNext(1, 403);
    const error = await p.poll().catch((e: unknown) => e);
    expect(isSourcePermanentError(error) && error.status).toBe(403);
    const unknown = await p.poll().catch((e: unknown) => e);
    expect(isSourcePermanentError(unknown) && unknown.message).toContain('metadata.spaces');
  });

  it('opens the breaker on repeated 5xx and closes it through a successful half-open probe', async () => {
    fake = await startFakeConfluence();
    fake.addPage({ space: 'ENG', title: 'A' });
    const clock = new SimulatedClock();
    const p = confluencePoller(confluenceSourceFor(fake), 3, 50, clock);
    fake.failNext(1, 502);
    fake.failNext(1, 500);
    fake.failNext(1, 503);
    for (let i = 0; i < 3; i++) await expect(p.poll()).rejects.toMatchObject({ status: expect.any(Number) });
    expect(p.breaker.getSnapshot().value).toBe('open');
    const requests = fake.requests.length;
    await expect(p.poll()).rejects.toMatchObject({ code: 'BREAKER_OPEN' });
    expect(fake.requests.length).toBe(requests);
    clock.increment(49);
    expect(p.breaker.getSnapshot().value).toBe('open');
    clock.increment(1); // the breaker's 50 ms open timeout
    expect(p.breaker.getSnapshot().value).toEqual({ half_open: 'waiting_for_probe' });
    expect(summary(await p.poll())).toEqual(['upsert A']);
    expect(p.breaker.getSnapshot().value).toBe('closed');
  });

  it('counts a network error as an outage', async () => {
    fake = await startFakeConfluence();
    const source = confluenceSourceFor(fake);
    await fake.close();
    const error = await confluencePoller(source).poll().catch((e: unknown) => e);
    expect(source.isOutage(error)).toBe(true);
    fake = undefined;
  });
});
