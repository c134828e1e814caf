import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { isRateLimitedError, isSourcePermanentError } from '../../../../src/actors/sources/source-errors.ts';
import { block, type FakeNotion, startFakeNotion } from '../../../support/fake-notion.ts';
import { heldPages, hint, notionPoller, notionSourceFor, summary } from './notion-test-kit.ts';

let notion: FakeNotion | undefined;
afterEach(async () => notion?.close());

const minutesAgo = (n: number) => new Date(Math.floor(Date.now() / 60_000) * 60_000 - n * 60_000).toISOString();
const tenPages = (fake: FakeNotion) => Array.from({ length: 10 }, (_, i) => fake.addPage({ title: `P${i}`, lastEditedTime: minutesAgo(30) }));

describe('Notion source: deletions', () => {
  it('deletes a page that was archived, found through its webhook or the deletion check', async () => {
    notion = await startFakeNotion();
    const [a, b] = [notion.addPage({ title: 'A', lastEditedTime: minutesAgo(30) }), notion.addPage({ title: 'B', lastEditedTime: minutesAgo(30) })];
    notion.addPage({ title: 'C', lastEditedTime: minutesAgo(30) });
    const p = notionPoller(notionSourceFor(notion, { deletion_check_hours: 0, max_deletion_share: 0.5 }));
    await p.poll();
    notion.editPage(a, { archived: true });
    notion.editPage(b, { archived: true });
    const delta = await p.poll([hint('page.properties_updated', a)]);
    expect(summary(delta)).toEqual([`delete notion:${a}`, `delete notion:${b}`].sort());
    expect(await heldPages(p)).not.toContain(a);
  });

  it('deletes pages that vanished without an event when few are missing', async () => {
    notion = await startFakeNotion();
    const ids = tenPages(notion);
    const source = notionSourceFor(notion, { deletion_check_hours: 0 });
    const p = notionPoller(source);
    await p.poll();
    notion.removePage(ids[3]!);
    expect(summary(await p.poll())).toEqual([`delete notion:${ids[3]}`]);
    expect(source.health()).toMatchObject({ deletion_guard: 'ok', last_deletion_check: expect.any(String) });
  });

  it('deletes nothing when too many pages seem gone at once, and says why in health', async () => {
    notion = await startFakeNotion();
    const ids = tenPages(notion);
    const source = notionSourceFor(notion, { deletion_check_hours: 0, max_deletion_share: 0.2 });
    const p = notionPoller(source);
    await p.poll();
    for (const id of ids.slice(0, 5)) notion.removePage(id);
    expect((await p.poll()).events).toEqual([]);
    expect(source.health()).toMatchObject({ deletion_guard: 'tripped: 5 of 10 pages missing' });
    expect(await heldPages(p)).toHaveLength(10);
  });

  it('does not run the deletion check before deletion_check_hours have passed', async () => {
    notion = await startFakeNotion();
    const ids = tenPages(notion);
    const p = notionPoller(notionSourceFor(notion));
    await p.poll();
    notion.removePage(ids[0]!);
    expect((await p.poll()).events).toEqual([]);
  });
});

describe('Notion source: failures', () => {
  it('turns a 429 with Retry-After into a rate limit that is not a breaker failure', async () => {
    notion = await startFakeNotion();
    notion.addPage({ title: 'A' });
    const source = notionSourceFor(notion);
    const p = notionPoller(source);
    notion.failNext(1, 429, { 'retry-after': '7' });
    const error = await p.poll().catch((e: unknown) => e);
    expect(isRateLimitedError(error) && error.retryAfterMs).toBe(7_000);
    expect(p.breaker.getSnapshot().context.failures).toBe(0);
    expect(source.health()).toMatchObject({ rate_limited: 1 });
    expect(notion.requests).toHaveLength(1); // the SDK's own retries are off
  });

  it('treats 529 service_overload as a rate limit too', async () => {
    notion = await startFakeNotion();
    const p = notionPoller(notionSourceFor(notion));
    notion.failNext(1, 529);
    const error = await p.poll().catch((e: unknown) => e);
    expect(isRateLimitedError(error) && error.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect(p.breaker.getSnapshot().context.failures).toBe(0);
  });

  it('reports 401 as a permanent failure with a clear reason, without the token', async () => {
    notion = await startFakeNotion();
    notion.requireToken('right-token');
    const p = notionPoller(notionSourceFor(notion, {}, { token: 'revoked-token' }));
    const error = await p.poll().catch((e: unknown) => e);
    expect(isSourcePermanentError(error) && error.status).toBe(401);
    expect((error as Error).message).toContain('token revoked or page not shared with the integration');
    expect((error as Error).message).not.toContain('revoked-token');
    expect(p.breaker.getSnapshot().context.failures).toBe(0);
  });

  it('reports 403 (page not shared) as permanent', async () => {
    notion = await startFakeNotion();
    const p = notionPoller(notionSourceFor(notion));
    notion.failNext(1, 403);
    const error = await p.poll().catch((e: unknown) => e);
    expect(isSourcePermanentError(error) && error.status).toBe(403);
  });

  it('opens the breaker on repeated 5xx and closes it through a successful half-open probe', async () => {
    notion = await startFakeNotion();
    notion.addPage({ title: 'A', blocks: [block.paragraph('a')] });
    const clock = new SimulatedClock();
    const p = notionPoller(notionSourceFor(notion), 3, 50, clock);
    notion.failNext(1, 502);
    notion.failNext(1, 500);
    notion.failNext(1, 503);
    for (let i = 0; i < 3; i++) await expect(p.poll()).rejects.toMatchObject({ status: expect.any(Number) });
    expect(p.breaker.getSnapshot().value).toBe('open');
    const requests = notion.requests.length;
    await expect(p.poll()).rejects.toMatchObject({ code: 'BREAKER_OPEN' });
    expect(notion.requests.length).toBe(requests);
    clock.increment(49);
    expect(p.breaker.getSnapshot().value).toBe('open');
    clock.increment(1); // the breaker's 50 ms open timeout
    expect(p.breaker.getSnapshot().value).toEqual({ half_open: 'waiting_for_probe' });
    expect(summary(await p.poll())).toEqual(['upsert A']);
    expect(p.breaker.getSnapshot().value).toBe('closed');
  });

  it('counts a network error as an outage', async () => {
    notion = await startFakeNotion();
    const source = notionSourceFor(notion);
    await notion.close();
    const error = await notionPoller(source).poll().catch((e: unknown) => e);
    expect(source.isOutage(error)).toBe(true);
    notion = undefined;
  });
});
