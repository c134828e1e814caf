import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorText, startStdioInlet, type StdioInlet, structured } from '../support/mcp-stdio-inlet.ts';
import { eventually } from '../support/temp-service.ts';


interface SearchAnswer {
  hits: { document_id: string; title: string; path: string; source: string; heading: string; text: string; source_modified_at: string | null; indexed_at: string | null }[];
}

describe('inlet mcp over stdio, driven by the SDK client', () => {
  let inlet: StdioInlet | undefined;
  let docs = '';
  let client: Client;

  beforeAll(async () => {
    inlet = await startStdioInlet('inlet-mcp-');
    docs = inlet.docs;
    client = inlet.client;
  });

  afterAll(async () => {
    await inlet?.close();
  });

  it('lists its five read-only tools, each with input and output schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_document', 'list_sources', 'recent_changes', 'related_documents', 'search_docs']);
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint).toBe(true);
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.description?.length).toBeGreaterThan(80);
    }
    const search = tools.find((t) => t.name === 'search_docs')!;
    expect(search.inputSchema.required).toEqual(['query']);
    expect(search.inputSchema.properties).toMatchObject({ k: { maximum: 50 } });
  });

  it('finds a file written to the watched folder moments before, and reads it whole with get_document', async () => {
    writeFileSync(
      join(docs, 'deploy.md'),
      '# Deploy guide\n\nRun `ops/deploy.sh --canary` to roll out.\n\n## Rollback\n\nSet INLET_ROLLBACK_TOKEN and see [the FAQ](faq.md).\n',
    );
    writeFileSync(join(docs, 'faq.md'), '# FAQ\n\nAsk in the channel.\n');
    const answer = await eventually(
      'deploy.md found by search_docs',
      async () => {
        const found = structured<SearchAnswer>(await client.callTool({ name: 'search_docs', arguments: { query: 'roll out with the deploy script', k: 5 } }));
        return found.hits.some((hit) => hit.document_id === 'docs:deploy.md') ? found : undefined;
      },
      15_000,
    );
    const hit = answer!.hits.find((h) => h.document_id === 'docs:deploy.md')!;
    expect(hit).toMatchObject({ title: 'Deploy guide', path: 'deploy.md', source: 'docs' });
    expect(Number.isNaN(Date.parse(hit.indexed_at ?? ''))).toBe(false);
    expect(Number.isNaN(Date.parse(hit.source_modified_at ?? ''))).toBe(false);

    await eventually('faq.md ingested', async () => !(await client.callTool({ name: 'get_document', arguments: { id: 'docs:faq.md' } })).isError);
    // path_prefix filters in the store: only faq.md's path starts with "faq", even for a query that names deploy.md's words.
    const underFaq = structured<SearchAnswer>(await client.callTool({ name: 'search_docs', arguments: { query: 'deploy script rollback', path_prefix: 'faq' } }));
    expect(underFaq.hits.map((h) => h.document_id)).toEqual(['docs:faq.md']);
    const document = structured<{ title: string; markdown: string; links_to: { id: string }[]; children: unknown[] | null; parent: unknown }>(
      await client.callTool({ name: 'get_document', arguments: { id: 'docs:deploy.md' } }),
    );
    expect(document.title).toBe('Deploy guide');
    expect(document.markdown).toContain('# Deploy guide');
    expect(document.markdown).toContain('## Rollback');
    expect(document.markdown).toContain('INLET_ROLLBACK_TOKEN');
    expect(document.links_to.map((l) => l.id)).toEqual(['docs:faq.md']);
    expect(document.parent).toBeNull();
    expect(document.children).toEqual([]);

    const related = structured<{ related: { id: string; relation: string; depth: number }[] }>(
      await client.callTool({ name: 'related_documents', arguments: { id: 'docs:faq.md' } }),
    );
    expect(related.related).toEqual([expect.objectContaining({ id: 'docs:deploy.md', relation: 'linked_from', depth: 1 })]);

    const sources = structured<{ sources: { name: string; kind: string; circuit_breaker: string; document_count: number | null }[] }>(
      await client.callTool({ name: 'list_sources', arguments: {} }),
    );
    expect(sources.sources).toEqual([expect.objectContaining({ name: 'docs', kind: 'local', circuit_breaker: 'closed', document_count: 2 })]);
  });

  it('answers bad input with a one-sentence tool error and keeps serving', async () => {
    expect(errorText(await client.callTool({ name: 'search_docs', arguments: { query: 'deploy', source: 'wiki' } }))).toBe(
      "There is no source named 'wiki'; the sources are: docs.",
    );
    expect(errorText(await client.callTool({ name: 'search_docs', arguments: { query: 'deploy', k: 10_000 } }))).toContain('k must be a whole number from 1 to 50.');
    expect(errorText(await client.callTool({ name: 'search_docs', arguments: { query: '  ' } }))).toContain('query must not be empty.');
    expect(errorText(await client.callTool({ name: 'get_document', arguments: { id: 'docs:nope.md' } }))).toBe(
      "There is no document with id 'docs:nope.md'; search_docs gives the ids of the documents inlet holds.",
    );
    expect(errorText(await client.callTool({ name: 'get_document', arguments: {} }))).toBe('Give exactly one of id and url.');
    expect(errorText(await client.callTool({ name: 'related_documents', arguments: { id: 'docs:deploy.md', depth: 3 } }))).toContain('depth must be 1 or 2.');
    // Still serving, and nothing but JSON-RPC went to stdout (the client would have failed to parse it).
    expect((await client.listTools()).tools).toHaveLength(5);
    expect(inlet!.stderr()).toContain('mcp: serving on stdio');
  });
});
