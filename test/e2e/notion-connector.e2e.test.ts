import { afterEach, describe, expect, it } from 'vitest';
import { block, type FakeNotion, startFakeNotion } from '../support/fake-notion.ts';
import { eventually, startTempService, type TempService } from '../support/temp-service.ts';

let notion: FakeNotion | undefined;
let service: TempService | undefined;
afterEach(async () => {
  await service?.stop();
  await notion?.close();
  service = undefined;
});

const notionConnector = (fake: FakeNotion) => `  notion:
    kind: notion
    poll_interval_seconds: 3600
    backoff_base_seconds: 0.05
    token: the-notion-token
    metadata: { api_url: ${JSON.stringify(fake.url)}, requests_per_second: 50 }`;

describe('Notion connector in the running service', () => {
  it('backfills pages into the store with their parent as CHILD_OF', async () => {
    notion = await startFakeNotion();
    notion.requireToken('the-notion-token');
    const parent = notion.addPage({ title: 'Handbook', blocks: [block.paragraph('Start here.')] });
    const child = notion.addPage({ title: 'Deploying', parent, blocks: [block.heading(2, 'Steps'), block.numbered('Build'), block.numbered('Ship')] });
    service = await startTempService({ connectors: notionConnector(notion) });
    const stored = await eventually('the child page stored', () => service!.backends.graph.getDocument(`notion:${child}`));
    expect(stored).toMatchObject({ parentId: `notion:${parent}`, title: 'Deploying' });
    expect(await service.backends.graph.getDocument(`notion:${parent}`)).not.toBeNull();
    const health = (await service.manager.health()).connectors.find((c) => c.name === 'notion')!;
    expect(health.source).toMatchObject({ scope: 'workspace', deletion_guard: 'ok' });
  });
});
