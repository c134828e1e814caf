import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { DocumentRef } from '../stores/graph-store.ts';
import { documentRefSchema, refOut } from './document-ref-schema.ts';
import type { McpDeps } from './mcp-deps.ts';
import { unknownDocument } from './resolve-document-id.ts';
import { runTool } from './tool-result.ts';

/** Deepest neighbourhood one call walks. */
export const MAX_RELATED_DEPTH = 2;
/** Most documents one answer lists: a hub page's two-step neighbourhood can be most of a wiki. */
const MAX_RELATED = 200;

const relationSchema = z.enum(['links_to', 'linked_from', 'parent', 'child']);
type Relation = z.infer<typeof relationSchema>;

const relatedSchema = documentRefSchema.extend({
  depth: z.number().int().describe('Steps from the starting document: 1 for direct neighbours.'),
  relation: relationSchema.describe('How it is reached from `via`: via links to it, it links to via, it is the parent or a child of via.'),
  via: z.string().describe('The id of the document it was reached from.'),
});

const outputSchema = {
  document: documentRefSchema,
  related: z.array(relatedSchema).describe('Each document once, at its shortest distance; nearest first.'),
  truncated: z.boolean().describe(`True when the neighbourhood had more than ${MAX_RELATED} documents and the rest were left out.`),
};

const DESCRIPTION = `List the documents around one document in inlet's link graph: the ones it links to, the ones linking to it, and its parent and child pages (Notion, Confluence), up to depth ${MAX_RELATED_DEPTH} steps away.
Use it to find context a search missed: prerequisites, overviews, pages that reference this one. Read any of them with get_document(id).`;

/** Registers `related_documents`: a breadth-first walk over links and the page tree. */
export function registerRelatedDocumentsTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'related_documents',
    {
      title: 'Related documents',
      description: DESCRIPTION,
      inputSchema: {
        id: z.string().min(1, { error: 'id must not be empty.' }).describe('Document id, from search_docs or get_document.'),
        depth: z
          .number({ error: `depth must be 1 or ${MAX_RELATED_DEPTH}.` })
          .int({ error: `depth must be 1 or ${MAX_RELATED_DEPTH}.` })
          .min(1, { error: `depth must be 1 or ${MAX_RELATED_DEPTH}.` })
          .max(MAX_RELATED_DEPTH, { error: `depth must be 1 or ${MAX_RELATED_DEPTH}.` })
          .default(1)
          .describe(`How many steps to walk, 1 or ${MAX_RELATED_DEPTH}. Default 1.`),
      },
      outputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ id, depth }) =>
      runTool('related_documents', deps.logger, async () => {
        const start = await deps.getDocument(id);
        if (!start) throw unknownDocument(id);
        const seen = new Set([id]);
        const related: z.infer<typeof relatedSchema>[] = [];
        let frontier = [id];
        let truncated = false;
        for (let step = 1; step <= depth && frontier.length > 0 && !truncated; step++) {
          const next: string[] = [];
          for (const from of frontier) {
            for (const { ref, relation } of await stepsFrom(deps, from)) {
              if (seen.has(ref.id)) continue;
              if (related.length >= MAX_RELATED) {
                truncated = true;
                break;
              }
              seen.add(ref.id);
              related.push({ ...refOut(ref), depth: step, relation, via: from });
              next.push(ref.id);
            }
          }
          frontier = next;
        }
        return { document: refOut(start), related, truncated };
      }),
  );
}

/** The documents one step from `docId`: links both ways, then the parent and children when the store knows them. */
async function stepsFrom(deps: McpDeps, docId: string): Promise<{ ref: DocumentRef; relation: Relation }[]> {
  const catalog = await deps.catalog?.();
  const [{ linksTo, linkedFrom }, document, children] = await Promise.all([
    deps.neighbours(docId),
    deps.getDocument(docId),
    catalog ? catalog.childrenOf(docId) : [],
  ]);
  const parent = document?.parentId === undefined ? null : await deps.getDocument(document.parentId);
  return [
    ...linksTo.map((ref) => ({ ref, relation: 'links_to' as const })),
    ...linkedFrom.map((ref) => ({ ref, relation: 'linked_from' as const })),
    ...(parent ? [{ ref: parent, relation: 'parent' as const }] : []),
    ...children.map((ref) => ({ ref, relation: 'child' as const })),
  ];
}
