import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, ListResourcesRequestSchema, McpError, SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { DOCUMENT_URI_PREFIX, docIdOfUri, documentUri } from './document-uri.ts';
import { markdownOfChunks } from './markdown-of-chunks.ts';
import type { McpDeps } from './mcp-deps.ts';

/** Documents per `resources/list` page. */
export const RESOURCES_PAGE_SIZE = 100;

/** What MCP's spec names the error for a resource that does not exist. */
const RESOURCE_NOT_FOUND = -32002;

/**
 * Every document as a resource `inlet://documents/{id}` (its Markdown), through a resource template; `resources/list`
 * pages through them in id order (the cursor is the last id of a page); a client may subscribe to a document and is
 * told `notifications/resources/updated` when a worker commits a change to it or deletes it. The SDK's own
 * `resources/list` has no paging (it lists a template's resources in one answer): this replaces it.
 */
export function registerDocumentResources(server: McpServer, deps: McpDeps): void {
  server.registerResource(
    'document',
    new ResourceTemplate(`${DOCUMENT_URI_PREFIX}{id}`, { list: undefined }),
    {
      title: 'Document',
      description: 'A document inlet holds, as Markdown reassembled from its stored sections. Subscribe to hear when it changes or is deleted.',
      mimeType: 'text/markdown',
    },
    async (uri) => {
      const docId = docIdOfUri(uri.href);
      const document = docId === null ? null : await deps.getDocument(docId);
      if (!document) throw new McpError(RESOURCE_NOT_FOUND, `There is no document at ${uri.href}; resources/list names the documents inlet holds.`);
      return { contents: [{ uri: documentUri(document.id), mimeType: 'text/markdown', text: markdownOfChunks(document.chunks) }] };
    },
  );

  server.server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    const catalog = await deps.catalog?.();
    if (!catalog) return { resources: [] };
    const after = request.params?.cursor === undefined ? undefined : idOfCursor(request.params.cursor);
    const page = await catalog.listDocuments(after, RESOURCES_PAGE_SIZE);
    return {
      resources: page.map((ref) => ({
        uri: documentUri(ref.id),
        name: ref.id,
        title: ref.title,
        mimeType: 'text/markdown',
        description: ref.url ?? ref.path,
      })),
      ...(page.length === RESOURCES_PAGE_SIZE && { nextCursor: Buffer.from(page[page.length - 1].id).toString('base64url') }),
    };
  });

  const subscriptions = deps.subscriptions;
  if (!subscriptions) return;
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    await subscriptions.subscribe(server.server, checkedUri(request.params.uri));
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscriptions.unsubscribe(server.server, checkedUri(request.params.uri));
    return {};
  });
  const closed = server.server.onclose;
  server.server.onclose = () => {
    subscriptions.drop(server.server);
    closed?.();
  };
}

/** The canonical form of a document URI, so a subscription and a change meet whatever the client's escaping. */
function checkedUri(uri: string): string {
  const docId = docIdOfUri(uri);
  if (docId === null) throw new McpError(ErrorCode.InvalidParams, `${uri} is not a document resource; they look like ${DOCUMENT_URI_PREFIX}{id}.`);
  return documentUri(docId);
}

function idOfCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (id === '' || Buffer.from(id).toString('base64url') !== cursor) throw new McpError(ErrorCode.InvalidParams, `"${cursor}" is not a resources/list cursor; list again without one.`);
  return id;
}
