import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/actors/system/health-report.ts';
import { type FakeGithub, startFakeGithub } from '../support/fake-github.ts';
import { eventually, jsonOf, pendingTimers, startTempService, type TempService } from '../support/temp-service.ts';

const SECRET = 'webhook-secret-for-e2e';
const pushFixture = JSON.parse(readFileSync(new URL('../fixtures/github/push.payload.json', import.meta.url), 'utf8'));

let github: FakeGithub | undefined;
let service: TempService | undefined;
afterEach(async () => {
  await service?.stop();
  await github?.close();
  service = undefined;
});

/** GitHub's push payload for the fake repository's latest commit, signed as GitHub signs it. */
function signedPush(fake: FakeGithub, before: string, changed: string[]) {
  const payload = {
    ...pushFixture,
    ref: 'refs/heads/main',
    before,
    after: fake.headOf(),
    forced: false,
    deleted: false,
    repository: { ...pushFixture.repository, full_name: 'octo/handbook', name: 'handbook', default_branch: 'main' },
    commits: [{ ...pushFixture.commits[0], id: fake.headOf(), added: [], removed: [], modified: changed }],
  };
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  return { body, signature };
}

describe('GitHub push webhook end to end', () => {
  it('ingests the changed file after a signed push, and a redelivery changes nothing', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/guide.md': '# Guide\n\nversion one\n' } });
    service = await startTempService({
      connectors: `  github:
    kind: github
    poll_interval_seconds: 3600
    webhook_secret: ${SECRET}
    metadata: { owner: octo, repo: handbook, docs_path: docs, api_url: ${JSON.stringify(github.url)} }`,
    });
    const { graph } = service.backends;
    await eventually('the backfill stored', async () => (await graph.getDocument('github:docs/guide.md'))?.chunks[0]?.text.includes('version one'));

    const before = github.headOf();
    github.commit({ 'docs/guide.md': '# Guide\n\nversion two\n' });
    const { body, signature } = signedPush(github, before, ['docs/guide.md']);
    const deliver = () =>
      fetch(`${service!.url}/webhooks/github`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'delivery-1', 'x-hub-signature-256': signature },
        body,
      });

    const first = await deliver();
    expect(first.status).toBe(202);
    await eventually('version two stored', async () => (await graph.getDocument('github:docs/guide.md'))?.chunks[0]?.text.includes('version two'));

    const githubStats = async () => (await jsonOf<HealthReport>(fetch(`${service!.url}/webhooks/health`))).connectors.find((c) => c.name === 'github')!.stats;
    const afterFirst = await githubStats();
    const requestsAfterFirst = github.requests.length;

    const again = await deliver();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    // Only a delivery handed to the connector makes it poll, and the hand-over happens within the event-loop turn
    // that answered: none received, none buffered and the connector's one timer the hourly poll mean nothing follows.
    await new Promise((resolve) => setImmediate(resolve));
    const after = await githubStats();
    expect(after).toMatchObject({ webhooks_received: afterFirst.webhooks_received, webhooks_buffered: 0, events_queued: afterFirst.events_queued });
    expect(github.requests.length).toBe(requestsAfterFirst);
    expect(pendingTimers(service, 'connector:github')).toEqual([3_600_000]);
  });

  it('answers a forged delivery 401, queues nothing and counts the signature failure', async () => {
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: {} });
    service = await startTempService({
      connectors: `  github:
    kind: github
    poll_interval_seconds: 3600
    webhook_secret: ${SECRET}
    metadata: { owner: octo, repo: handbook, docs_path: docs, api_url: ${JSON.stringify(github.url)} }`,
    });
    const { body } = signedPush(github, github.headOf(), ['docs/x.md']);
    const response = await fetch(`${service.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'forged', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      body,
    });
    expect(response.status).toBe(401);
    const health = await jsonOf<HealthReport>(fetch(`${service.url}/webhooks/health`));
    const stats = health.connectors.find((c) => c.name === 'github')!.stats;
    expect(stats.webhook_signature_failures).toBe(1);
    expect(JSON.stringify(health)).not.toContain(SECRET);
  });
});
