import { afterEach, describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { type BreakerActor, callThroughBreaker } from '../../../../src/actors/breaker/call-through-breaker.ts';
import { MemoryDocumentStateStore } from '../../../../src/actors/cursor/memory-document-state-store.ts';
import { silentLogger } from '../../../../src/actors/log/logger.ts';
import type { PollResult } from '../../../../src/actors/sources/document-source.ts';
import { GithubSource } from '../../../../src/actors/sources/github/github-source.ts';
import { githubOptionsOf } from '../../../../src/actors/sources/github/github-options.ts';
import { isRateLimitedError, isSourcePermanentError } from '../../../../src/actors/sources/source-errors.ts';
import { connectorSchema } from '../../../../src/config/schema.ts';
import { circuitBreakerMachine } from '../../../../src/machines/circuit-breaker.machine.ts';
import { type FakeGithub, startFakeGithub } from '../../../support/fake-github.ts';

let github: FakeGithub | undefined;
afterEach(async () => github?.close());

function sourceFor(fake: FakeGithub, metadata: Record<string, unknown> = {}, token = '') {
  const config = connectorSchema.parse({ token, metadata: { owner: 'octo', repo: 'handbook', docs_path: 'docs', api_url: fake.url, ...metadata } });
  return new GithubSource('gh', githubOptionsOf('gh', config), silentLogger);
}

/** Runs polls the way the connector does: each call through a real breaker, the cursor carried from poll to poll. */
function poller(source: GithubSource, threshold = 3, timeoutMs = 60_000, clock?: SimulatedClock) {
  // A simulated clock, when given, is the only thing that moves the breaker's open timeout on.
  const breaker = createActor(circuitBreakerMachine, { input: { enabled: true, failureThreshold: threshold, timeoutMs }, ...(clock && { clock }) }).start() as BreakerActor;
  let cursor: unknown = null;
  const documents = new MemoryDocumentStateStore();
  return {
    breaker,
    async poll(webhooks: { deliveryId: string; event: string; payload: unknown }[] = []): Promise<PollResult> {
      const result = await source.poll({ cursor, documents: await documents.load('gh'), webhooks, signal: new AbortController().signal, guard: (call) => callThroughBreaker(breaker, 'gh', call, (e) => source.isOutage(e)) });
      if (result.documents) await documents.apply('gh', result.documents);
      cursor = result.nextCursor;
      return result;
    },
  };
}

const summary = (result: PollResult) => result.events.map((e) => `${e.kind} ${e.path}`).sort();

describe('GitHub source', () => {
  it('backfills every Markdown file under docs_path at the branch head', async () => {
    github = await startFakeGithub({
      owner: 'octo',
      repo: 'handbook',
      files: { 'docs/a.md': '# A\n', 'docs/deep/b.mdx': '# B\n', 'docs/c.txt': 'no', 'README.md': '# readme\n' },
    });
    const first = await poller(sourceFor(github)).poll();
    expect(summary(first)).toEqual(['upsert docs/a.md', 'upsert docs/deep/b.mdx']);
    const a = first.events.find((e) => e.path === 'docs/a.md')!;
    expect(a).toMatchObject({ docId: 'gh:docs/a.md', source: 'gh', content: '# A\n' });
    expect(a.url).toMatch(/\/octo\/handbook\/blob\/main\/docs\/a\.md$/);
  });

  it('spends no rate-limit unit on an idle repository: one conditional request answered 304', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': '# A\n' } });
    const p = poller(sourceFor(github));
    await p.poll();
    const remainingBefore = github.rateLimit.remaining;
    const requestsBefore = github.requests.length;
    for (let i = 0; i < 3; i++) expect((await p.poll()).events).toEqual([]);
    const idle = github.requests.slice(requestsBefore);
    expect(idle.map((r) => r.status)).toEqual([304, 304, 304]);
    expect(idle.every((r) => !r.countedAgainstRateLimit)).toBe(true);
    expect(github.rateLimit.remaining).toBe(remainingBefore);
  });

  it('turns added, modified, removed and renamed files into upserts and deletes', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/keep.md': 'k', 'docs/edit.md': 'v1', 'docs/drop.md': 'x', 'docs/old.md': 'o' } });
    const p = poller(sourceFor(github));
    await p.poll();
    github.commit({ 'docs/new.md': 'n', 'docs/edit.md': 'v2', 'docs/drop.md': null, 'src/code.ts': 'ignored' });
    github.rename('docs/old.md', 'docs/moved.md');
    const delta = await p.poll();
    expect(summary(delta)).toEqual(['delete docs/drop.md', 'delete docs/old.md', 'upsert docs/edit.md', 'upsert docs/moved.md', 'upsert docs/new.md']);
    expect(delta.events.find((e) => e.path === 'docs/edit.md')!.content).toBe('v2');
    expect(github.requests.some((r) => r.path.includes('/compare/'))).toBe(true);
  });

  it('reconciles a force push by diffing trees, so nothing of the rewritten history stays', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': 'a', 'docs/b.md': 'b' } });
    const p = poller(sourceFor(github));
    await p.poll();
    github.forcePush({ 'docs/a.md': 'a', 'docs/c.md': 'c' });
    const delta = await p.poll([{ deliveryId: 'd1', event: 'push', payload: { forced: true } }]);
    expect(summary(delta)).toEqual(['delete docs/b.md', 'upsert docs/c.md']);
  });

  it('reconciles by tree diff when the compare answer may be cut short', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': 'a' } });
    const p = poller(sourceFor(github));
    await p.poll();
    github.setCompareFileLimit(300);
    const many = Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`docs/page-${i}.md`, `# ${i}`]));
    github.commit({ ...many, 'docs/a.md': null });
    const delta = await p.poll();
    expect(delta.events.filter((e) => e.kind === 'upsert')).toHaveLength(301);
    expect(summary(delta)).toContain('delete docs/a.md');
  });

  it('walks the tree folder by folder when the recursive listing is truncated', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': 'a', 'docs/x/y/z.md': 'z', 'other/skip.md': 's' } });
    github.setTreeTruncated(true);
    const first = await poller(sourceFor(github)).poll();
    expect(summary(first)).toEqual(['upsert docs/a.md', 'upsert docs/x/y/z.md']);
  });

  it('skips files over the size cap', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/small.md': 'ok', 'docs/huge.md': 'x'.repeat(2_000) } });
    const source = sourceFor(github, { max_file_bytes: 1_000 });
    const first = await poller(source).poll();
    expect(summary(first)).toEqual(['upsert docs/small.md']);
    expect(source.health()).toMatchObject({ skipped_too_large: 1 });
  });

  it('waits for the reset instead of spending the budget under the reserve, without counting a breaker failure', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': 'a' } });
    const p = poller(sourceFor(github, { rate_limit_reserve: 10 }, 'token-1'));
    await p.poll();
    github.rateLimit.remaining = 10;
    github.commit({ 'docs/b.md': 'b' });
    const before = github.requests.length;
    const error = await p.poll().catch((e: unknown) => e);
    expect(isRateLimitedError(error)).toBe(true);
    // The head request reports 9 left; the compare that would follow is not sent.
    expect(github.requests.slice(before).map((r) => r.path)).toEqual([expect.stringContaining('/commits/main')]);
    expect(p.breaker.getSnapshot().context.failures).toBe(0);
  });

  it('pauses for retry-after on a secondary rate limit (403) and does not count it as a failure', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': 'a' } });
    const p = poller(sourceFor(github));
    github.failNext(1, 403, { headers: { 'retry-after': '90' } });
    const error = await p.poll().catch((e: unknown) => e);
    expect(isRateLimitedError(error) && error.retryAfterMs).toBe(90_000);
    expect(p.breaker.getSnapshot().context.failures).toBe(0);
  });

  it('pauses at least a minute on a 429 without hints', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': 'a' } });
    const p = poller(sourceFor(github));
    github.failNext(1, 429);
    const error = await p.poll().catch((e: unknown) => e);
    expect(isRateLimitedError(error) && error.retryAfterMs).toBeGreaterThanOrEqual(60_000);
  });

  it('reports a bad token as a permanent failure, not an outage', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': 'a' } });
    github.requireToken('right-token');
    const source = sourceFor(github, {}, 'wrong-token');
    const p = poller(source);
    const error = await p.poll().catch((e: unknown) => e);
    expect(isSourcePermanentError(error) && error.status).toBe(401);
    expect((error as Error).message).toContain('GITHUB_TOKEN');
    expect((error as Error).message).not.toContain('wrong-token');
    expect(p.breaker.getSnapshot().context.failures).toBe(0);
  });

  it('opens the breaker on repeated 5xx and closes it through a successful half-open probe', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': 'a' } });
    const clock = new SimulatedClock();
    const p = poller(sourceFor(github), 3, 50, clock);
    github.failNext(3, 502);
    for (let i = 0; i < 3; i++) await expect(p.poll()).rejects.toMatchObject({ status: 502 });
    expect(p.breaker.getSnapshot().value).toBe('open');
    const requests = github.requests.length;
    await expect(p.poll()).rejects.toMatchObject({ code: 'BREAKER_OPEN' });
    expect(github.requests.length).toBe(requests);
    clock.increment(49);
    expect(p.breaker.getSnapshot().value).toBe('open');
    clock.increment(1); // the breaker's 50 ms open timeout
    expect(p.breaker.getSnapshot().value).toEqual({ half_open: 'waiting_for_probe' });
    expect(summary(await p.poll())).toEqual(['upsert docs/a.md']);
    expect(p.breaker.getSnapshot().value).toBe('closed');
  });

  it('says in health that it runs without a token', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: {} });
    const source = sourceFor(github);
    await poller(source).poll();
    expect(source.health()).toMatchObject({ authenticated: false, note: expect.stringContaining('60 requests per hour') });
    expect((source.health().rate_limit as { remaining: number }).remaining).toBe(github.rateLimit.remaining);
  });
});
