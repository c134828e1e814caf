import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeConfluence, startFakeConfluence } from '../support/fake-confluence.ts';
import { eventually, startTempService, type TempService } from '../support/temp-service.ts';

let fake: FakeConfluence | undefined;
let service: TempService | undefined;
afterEach(async () => {
  await service?.stop();
  await fake?.close();
  service = undefined;
});

const SECRET = 'dc-webhook-secret';
const confluenceConnector = (site: FakeConfluence, flavor: 'cloud' | 'datacenter') => `  wiki:
    kind: confluence
    poll_interval_seconds: 3600
    backoff_base_seconds: 0.05
    token: the-pat
    webhook_secret: ${SECRET}
    metadata: { base_url: ${JSON.stringify(site.baseUrl)}, flavor: ${flavor}, spaces: [ENG] }`;

describe('Confluence connector in the running service', () => {
  it('backfills a Cloud space into the store with the nearest ancestor as CHILD_OF', async () => {
    fake = await startFakeConfluence({ flavor: 'cloud' });
    fake.requireAuthorization('Bearer the-pat');
    const parent = fake.addPage({ space: 'ENG', title: 'Handbook', storage: '<p>Start here.</p>' });
    const child = fake.addPage({ space: 'ENG', title: 'Deploying', parentId: parent, storage: '<h2>Steps</h2><ol><li>Build</li><li>Ship</li></ol>' });
    service = await startTempService({ connectors: confluenceConnector(fake, 'cloud') });
    const stored = await eventually('the child page stored', () => service!.backends.graph.getDocument(`wiki:${child}`));
    expect(stored).toMatchObject({
      parentId: `wiki:${parent}`,
      title: 'Deploying',
      url: `${fake.baseUrl}/spaces/ENG/pages/${child}/Deploying`,
      metadata: { space: 'ENG', version: 1, content_type: 'page' },
    });
    const health = (await service.manager.health()).connectors.find((c) => c.name === 'wiki')!;
    expect(health.source).toMatchObject({ flavor: 'cloud', spaces: ['ENG'], deletion_guard: 'ok' });
  });
});

describe('Confluence webhook end to end', () => {
  it('a signed page_updated ends with the new version of the page in the store', async () => {
    fake = await startFakeConfluence({ flavor: 'datacenter' });
    const page = fake.addPage({ space: 'ENG', title: 'Runbook', storage: '<p>first version</p>', modifiedAt: Date.now() - 3 * 86_400_000 });
    service = await startTempService({ connectors: confluenceConnector(fake, 'datacenter') });
    await eventually('the backfill stored', () => service!.backends.graph.getDocument(`wiki:${page}`));

    // Dated three days back, so the CQL delta cannot see the edit: only the webhook makes the connector fetch it.
    fake.editPage(page, { storage: '<h2>Escalation</h2><p>second version, after the webhook</p>', modifiedAt: Date.now() - 3 * 86_400_000 });
    const body = JSON.stringify({ event: 'page_updated', timestamp: Date.now(), page: { id: Number(page), version: 2, spaceKey: 'ENG', title: 'Runbook' } });
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    const delivered = await fetch(`${service.url}/webhooks/confluence`, { method: 'POST', headers: { 'x-hub-signature': signature }, body });
    expect(delivered.status).toBe(200);
    expect(await delivered.json()).toEqual({ accepted: true });
    const stored = await eventually('the new Markdown stored', async () => {
      const doc = await service!.backends.graph.getDocument(`wiki:${page}`);
      return doc?.chunks.some((c) => c.text.includes('second version')) ? doc : undefined;
    });
    expect(stored!.chunks.map((c) => c.heading)).toContain('Runbook > Escalation');
    expect(stored!.metadata).toEqual({ space: 'ENG', version: 2, content_type: 'page' });
    // Search shows the same metadata, from the vector payload.
    const found = await fetch(`${service.url}/search?q=${encodeURIComponent('escalation second version')}&k=1`);
    const [hit] = ((await found.json()) as { results: { document: { id: string; metadata: unknown } }[] }).results;
    expect(hit.document).toMatchObject({ id: `wiki:${page}`, metadata: { space: 'ENG', version: 2, content_type: 'page' } });
    expect(fake.requests.some((r) => r.path === `/rest/api/content/${page}`)).toBe(true);

    const unsigned = await fetch(`${service.url}/webhooks/confluence`, { method: 'POST', headers: { 'x-hub-signature': 'sha256=00' }, body });
    expect(unsigned.status).toBe(401);
  });
});
