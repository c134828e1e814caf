import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { documentRefSchema, refOut } from './document-ref-schema.ts';
import { indexedAtOf } from './indexed-at-of.ts';
import { markdownOfChunks } from './markdown-of-chunks.ts';
import type { McpDeps } from './mcp-deps.ts';
import { resolveDocumentId, unknownDocument } from './resolve-document-id.ts';
import { runTool } from './tool-result.ts';

const outputSchema = {
  id: z.string(),
  title: z.string(),
  source: z.string().describe('The connector the document came from (see list_sources).'),
  path: z.string(),
  url: z.string().nullable(),
  source_modified_at: z.string().describe('When the source last changed the document (ISO 8601).'),
  indexed_at: z.string().nullable().describe('When inlet last committed this document to its stores (ISO 8601), from the change feed; null for a document written before the feed existed.'),
  content_hash: z.string().describe('SHA-256 of the Markdown inlet ingested: equal hashes, same content.'),
  metadata: z.record(z.string(), z.union([z.string(), z.number()])).describe("The source's own fields (Confluence: space, version, content_type)."),
  markdown: z.string().describe('The whole document, reassembled from its stored sections (front matter is not kept).'),
  links_to: z.array(documentRefSchema).describe('Documents inlet holds that this one links to, in written order.'),
  linked_from: z.array(documentRefSchema).describe('Documents inlet holds that link to this one.'),
  parent: documentRefSchema.nullable().describe('The parent page (Notion, Confluence), or null.'),
  children: z.array(documentRefSchema).nullable().describe('Child pages (Notion, Confluence); null when the store cannot list them.'),
};

const DESCRIPTION = `Read one whole document that inlet holds, by its id (from search_docs or related_documents) or by its web address (url).
Returns its Markdown, title, source, path, url, when the source last changed it, its source metadata, the documents it links to and that link to it, and its parent and child pages (Notion, Confluence).
Give exactly one of id and url.`;

/** Registers `get_document`. */
export function registerGetDocumentTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'get_document',
    {
      title: 'Read a document',
      description: DESCRIPTION,
      inputSchema: {
        id: z.string().min(1, { error: 'id must not be empty.' }).optional().describe('Document id, e.g. "docs:guide/deploy.md".'),
        url: z.string().min(1, { error: 'url must not be empty.' }).optional().describe('The web address the document has in its source.'),
      },
      outputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ id, url }) =>
      runTool('get_document', deps.logger, async () => {
        const docId = await resolveDocumentId(deps, { id, url });
        const document = await deps.getDocument(docId);
        if (!document) throw unknownDocument(docId);
        const catalog = await deps.catalog?.();
        const [{ linksTo, linkedFrom }, parent, children, indexed] = await Promise.all([
          deps.neighbours(docId),
          document.parentId === undefined ? null : deps.getDocument(document.parentId),
          catalog ? catalog.childrenOf(docId) : null,
          indexedAtOf(deps, [docId]),
        ]);
        return {
          id: document.id,
          title: document.title,
          source: document.source,
          path: document.path,
          url: document.url ?? null,
          source_modified_at: document.updatedAt,
          indexed_at: indexed.get(docId) ?? null,
          content_hash: document.contentHash,
          metadata: document.metadata ?? {},
          markdown: markdownOfChunks(document.chunks),
          links_to: linksTo.map(refOut),
          linked_from: linkedFrom.map(refOut),
          parent: parent ? refOut(parent) : null,
          children: children ? children.map(refOut) : null,
        };
      }),
  );
}
