import { afterEach, describe, expect, it } from 'vitest';
import { type FakeGithub, startFakeGithub } from '../support/fake-github.ts';
import { eventually, pendingTimers, startTempService, type TempService } from '../support/temp-service.ts';

let github: FakeGithub | undefined;
let service: TempService | undefined;
afterEach(async () => {
  await service?.stop();
  await github?.close();
  service = undefined;
});

const githubConnector = (fake: FakeGithub) => `  github:
    kind: github
    poll_interval_seconds: 3600
    backoff_base_seconds: 0.05
    webhook_secret: s3cret-value
    token: the-token
    metadata: { owner: octo, repo: handbook, docs_path: docs, api_url: ${JSON.stringify(fake.url)} }`;

const githubHealth = async (s: TempService) => (await s.manager.health()).connectors.find((c) => c.name === 'github')!;

describe('GitHub connector in the running service', () => {
  it('goes degraded with a clear reason on a bad token, without a retry loop', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': '# A\n' } });
    github.requireToken('another-token');
    service = await startTempService({ connectors: githubConnector(github) });
    await eventually('the connector degraded', async () => (await githubHealth(service!)).status === 'degraded');
    // One failed poll, and the only timer left is the hourly re-check: no retry is scheduled.
    expect((await githubHealth(service)).stats).toMatchObject({ errors: 1 });
    expect(pendingTimers(service, 'connector:github')).toEqual([3_600_000]);
    const health = await service.manager.health();
    expect(health.status).toBe('degraded');
    expect(health.reasons.join('\n')).toContain('check GITHUB_TOKEN');
    expect((await githubHealth(service)).circuit_breaker).toBe('closed');
    expect(JSON.stringify(health)).not.toContain('the-token');
  });

  it('shows a rate limit as rate_limited with the resume time, not as a breaker failure', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': '# A\n' } });
    github.failNext(1, 429, { headers: { 'retry-after': '120' } });
    service = await startTempService({ connectors: githubConnector(github) });
    await eventually('the connector rate limited', async () => (await githubHealth(service!)).status === 'rate_limited');
    const connector = await githubHealth(service);
    expect(connector.circuit_breaker).toBe('closed');
    expect(Date.parse(String(connector.stats.rate_limited_until)) - Date.now()).toBeGreaterThan(100_000);
    expect(service.manager.connector('github')!.circuitBreaker.getStats().failures).toBe(0);
    expect((await service.manager.health()).reasons.join('\n')).toContain('github is rate limited until');
  });

  it('reports its rate-limit budget in health', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': '# A\n' } });
    service = await startTempService({ connectors: githubConnector(github) });
    await eventually('a.md stored', () => service!.backends.graph.getDocument('github:docs/a.md'));
    const source = (await githubHealth(service)).source as { rate_limit: { remaining: number; limit: number; reset: string } };
    expect(source.rate_limit.limit).toBe(5000);
    expect(source.rate_limit.remaining).toBe(github.rateLimit.remaining);
    expect(Date.parse(source.rate_limit.reset)).toBeGreaterThan(Date.now());
  });
});
