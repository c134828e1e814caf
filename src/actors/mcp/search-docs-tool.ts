import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { SearchHit } from '../search/search-documents.ts';
import { indexedAtOf } from './indexed-at-of.ts';
import type { McpDeps } from './mcp-deps.ts';
import { ToolInputError } from './tool-input-error.ts';
import { runTool } from './tool-result.ts';

/** Most hits one call returns. */
export const MAX_SEARCH_K = 50;

const hitSchema = z.object({
  document_id: z.string().describe('Pass it to get_document for the whole document, or to related_documents.'),
  title: z.string(),
  url: z.string().nullable().describe('Web address of the document, or null when the source has none (local folders).'),
  path: z.string().describe('Path of the document inside its source.'),
  source: z.string().describe('The connector the document came from (see list_sources).'),
  heading: z.string().describe('Heading path of the matching section, outermost first ("Install > Linux"); empty before the first heading.'),
  text: z.string().describe("The matching section's Markdown."),
  chunk_index: z.number().int(),
  score: z.number().describe('How well this section matches, fusing exact-term and meaning ranks; higher is better. Compare within one answer only.'),
  source_modified_at: z.string().nullable().describe('When the source last changed the document (ISO 8601), as the source reported it.'),
  indexed_at: z.string().nullable().describe('When inlet last committed this document to its stores (ISO 8601), from the change feed; null for a document written before the feed existed.'),
});

const outputSchema = {
  query: z.string(),
  hits: z.array(hitSchema).describe('Best first. Fewer than k when fewer sections match.'),
};

const DESCRIPTION = `Search the documentation inlet keeps in sync (local folders, GitHub, Notion, Confluence) and return the best-matching sections.
Each hit is one section of a document: its heading and Markdown text, the document's id, title, url, path and source, and freshness: source_modified_at (when the source last changed it) and indexed_at (when inlet stored that change).
Use it for questions about the documented systems; quote the exact identifier (an error code, a config key, a command) when you have one.
Follow up with get_document(document_id) to read a whole document, or related_documents(document_id) to see what links to it.`;

/** Registers `search_docs`: `SearchFn` (the one `GET /search` uses), with each hit's freshness. */
export function registerSearchDocsTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'search_docs',
    {
      title: 'Search documentation',
      description: DESCRIPTION,
      inputSchema: {
        query: z.string().max(2000, { error: 'query must be at most 2000 characters.' }).regex(/\S/, { error: 'query must not be empty.' }).describe('What to look for, in words or exact terms.'),
        k: z
          .number({ error: `k must be a whole number from 1 to ${MAX_SEARCH_K}.` })
          .int({ error: `k must be a whole number from 1 to ${MAX_SEARCH_K}.` })
          .min(1, { error: `k must be a whole number from 1 to ${MAX_SEARCH_K}.` })
          .max(MAX_SEARCH_K, { error: `k must be a whole number from 1 to ${MAX_SEARCH_K}.` })
          .default(10)
          .describe(`How many sections to return, 1 to ${MAX_SEARCH_K}. Default 10.`),
        source: z.string().optional().describe('Only search this source (a connector name from list_sources).'),
        path_prefix: z.string().optional().describe('Only documents whose path starts with this ("docs/api/").'),
      },
      outputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ query, k, source, path_prefix: pathPrefix }) =>
      runTool('search_docs', deps.logger, async () => {
        if (source !== undefined && !deps.sourceNames().includes(source)) {
          throw new ToolInputError('UNKNOWN_SOURCE', `There is no source named '${source}'; the sources are: ${deps.sourceNames().join(', ') || 'none'}.`);
        }
        const { results: hits } = await deps.search({
          q: query,
          k,
          ...(source === undefined ? {} : { source }),
          ...(pathPrefix === undefined ? {} : { path_prefix: pathPrefix }),
        });
        const ids = hits.map((hit) => hit.document.id);
        const [modified, indexed] = await Promise.all([modifiedAtOf(deps, hits), indexedAtOf(deps, ids)]);
        return { query, hits: hits.map((hit) => hitOut(hit, modified.get(hit.document.id) ?? null, indexed.get(hit.document.id) ?? null)) };
      }),
  );
}

/** When the source last changed each hit's document: the graph holds it (`updatedAt`), the search result does not. */
async function modifiedAtOf(deps: McpDeps, hits: SearchHit[]): Promise<Map<string, string | null>> {
  const ids = [...new Set(hits.map((hit) => hit.document.id))];
  const documents = await Promise.all(ids.map((id) => deps.getDocument(id)));
  return new Map(ids.map((id, i) => [id, documents[i]?.updatedAt ?? null]));
}

function hitOut(hit: SearchHit, modifiedAt: string | null, indexedAt: string | null): z.infer<typeof hitSchema> {
  const { document, chunk } = hit;
  return {
    document_id: document.id,
    title: document.title,
    url: document.url,
    path: document.path,
    source: document.source,
    heading: chunk.heading,
    text: chunk.text,
    chunk_index: chunk.index,
    score: hit.score,
    source_modified_at: modifiedAt,
    indexed_at: indexedAt,
  };
}
