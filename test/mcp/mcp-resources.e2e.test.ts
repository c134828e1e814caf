import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStdioInlet, type StdioInlet } from '../support/mcp-stdio-inlet.ts';
import { eventually } from '../support/temp-service.ts';

const uriOf = (docId: string) => `inlet://documents/${encodeURIComponent(docId)}`;

describe('document resources of inlet mcp over stdio, driven by the SDK client', () => {
  let inlet: StdioInlet | undefined;
  let docs = '';
  let client: Client;
  const updated: string[] = [];

  beforeAll(async () => {
    inlet = await startStdioInlet('inlet-mcp-resources-', (folder, client) => {
      // More documents than one resources/list page holds (100), there before the server starts.
      for (let i = 0; i < 104; i++) writeFileSync(join(folder, `page-${String(i).padStart(3, '0')}.md`), `# Page ${i}\n\nBody ${i}.\n`);
      writeFileSync(join(folder, 'guide.md'), '# Guide\n\nFirst version.\n');
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
        updated.push(notification.params.uri);
      });
    });
    docs = inlet.docs;
    client = inlet.client;
  });

  afterAll(async () => {
    await inlet?.close();
  });

  it('offers each document as inlet://documents/{id}, read as Markdown, and pages through them in resources/list', async () => {
    expect(client.getServerCapabilities()?.resources).toMatchObject({ subscribe: true });
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates).toEqual([expect.objectContaining({ name: 'document', uriTemplate: 'inlet://documents/{id}', mimeType: 'text/markdown' })]);

    const listed = await eventually(
      'all 105 documents listed',
      async () => {
        const uris: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await client.listResources(cursor === undefined ? {} : { cursor });
          uris.push(...page.resources.map((r) => r.uri));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== undefined);
        return uris.length === 105 ? { uris, pages } : undefined;
      },
      30_000,
    );
    expect(listed!.pages).toBe(2);
    expect(new Set(listed!.uris).size).toBe(105);
    expect(listed!.uris).toContain(uriOf('docs:guide.md'));

    const read = await client.readResource({ uri: uriOf('docs:guide.md') });
    expect(read.contents).toEqual([{ uri: uriOf('docs:guide.md'), mimeType: 'text/markdown', text: '# Guide\n\nFirst version.\n' }]);
    await expect(client.readResource({ uri: uriOf('docs:nope.md') })).rejects.toThrow(/There is no document at inlet:\/\/documents\/docs%3Anope\.md/);
    await expect(client.listResources({ cursor: 'not a cursor' })).rejects.toThrow(/not a resources\/list cursor/);
  });

  it('tells a subscriber when a worker commits an edit of its document, and its delete, and nothing about others', async () => {
    await client.subscribeResource({ uri: uriOf('docs:guide.md') });
    writeFileSync(join(docs, 'guide.md'), '# Guide\n\nSecond version.\n');
    writeFileSync(join(docs, 'page-000.md'), '# Page 0\n\nEdited, but nobody subscribed.\n');
    await eventually('the update of guide.md', () => updated.includes(uriOf('docs:guide.md')), 15_000);
    expect((await client.readResource({ uri: uriOf('docs:guide.md') })).contents[0]).toMatchObject({ text: '# Guide\n\nSecond version.\n' });

    updated.length = 0;
    unlinkSync(join(docs, 'guide.md'));
    await eventually('the update for the delete of guide.md', () => updated.includes(uriOf('docs:guide.md')), 15_000);
    await expect(client.readResource({ uri: uriOf('docs:guide.md') })).rejects.toThrow(/There is no document/);
    expect(updated.filter((uri) => uri !== uriOf('docs:guide.md'))).toEqual([]);

    // After unsubscribing, a change to it is not told.
    await client.unsubscribeResource({ uri: uriOf('docs:guide.md') });
    updated.length = 0;
    writeFileSync(join(docs, 'guide.md'), '# Guide\n\nBack again.\n');
    await eventually('guide.md back', async () => (await client.readResource({ uri: uriOf('docs:guide.md') }).catch(() => null)) !== null, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(updated).toEqual([]);

    await expect(client.subscribeResource({ uri: 'https://example.test/x' })).rejects.toThrow(/is not a document resource/);
  });
});
