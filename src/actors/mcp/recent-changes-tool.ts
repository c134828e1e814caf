import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { CHANGE_FEED_RETENTION, isChangeCursorError } from '../changes/index.ts';
import type { McpDeps } from './mcp-deps.ts';
import { ToolInputError } from './tool-input-error.ts';
import { runTool } from './tool-result.ts';

/** Most changes one call returns. */
export const MAX_RECENT_CHANGES = 500;

const changeSchema = z.object({
  cursor: z.string().describe('Position of this change in the feed.'),
  document_id: z.string().describe('Pass it to get_document (after a delete, the document is gone).'),
  kind: z.enum(['upsert', 'delete']).describe('upsert: the document was added or changed; delete: it was removed.'),
  source: z.string().describe('The connector the change came from (see list_sources).'),
  path: z.string().describe('Path of the document inside its source.'),
  url: z.string().nullable().describe('Web address of the document, or null when the source has none (local folders).'),
  committed_at: z.string().describe('When inlet had written the change to its stores (ISO 8601): from then on search_docs sees it.'),
});

const outputSchema = {
  changes: z.array(changeSchema).describe('In the order inlet committed them, oldest first.'),
  next_cursor: z.string().describe('Pass it as since_cursor next time to get only the changes after these.'),
  has_more: z.boolean().describe('True when more changes follow already: call again with next_cursor.'),
};

const LIMIT_ERROR = `limit must be a whole number from 1 to ${MAX_RECENT_CHANGES}.`;

const DESCRIPTION = `List the documents inlet added, changed or deleted, in the order it committed them, with when each change was committed and a cursor to continue from.
Without since_cursor: the newest changes. With the next_cursor of an earlier call: only what changed since, so you can catch up after being away.
The feed keeps the newest ${CHANGE_FEED_RETENTION.toLocaleString('en')} changes; an older cursor is refused, and a call without one starts again.`;

/** Registers `recent_changes`: the change feed, read since a cursor. */
export function registerRecentChangesTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'recent_changes',
    {
      title: 'Recent changes',
      description: DESCRIPTION,
      inputSchema: {
        since_cursor: z.string().min(1, { error: 'since_cursor must not be empty; leave it out to get the newest changes.' }).optional().describe('The next_cursor of an earlier call; leave it out for the newest changes.'),
        limit: z
          .number({ error: LIMIT_ERROR })
          .int({ error: LIMIT_ERROR })
          .min(1, { error: LIMIT_ERROR })
          .max(MAX_RECENT_CHANGES, { error: LIMIT_ERROR })
          .default(100)
          .describe(`How many changes to return, 1 to ${MAX_RECENT_CHANGES}. Default 100.`),
      },
      outputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ since_cursor: since, limit }) =>
      runTool('recent_changes', deps.logger, async () => {
        const feed = await deps.changes?.();
        if (!feed) throw new ToolInputError('NO_CHANGE_FEED', 'This inlet keeps no change feed.');
        const page = await feed.read(since, limit).catch((error: unknown) => {
          throw isChangeCursorError(error) ? new ToolInputError(error.code, error.message, { cause: error }) : error;
        });
        return {
          changes: page.changes.map((c) => ({
            cursor: c.cursor,
            document_id: c.docId,
            kind: c.kind,
            source: c.source,
            path: c.path,
            url: c.url ?? null,
            committed_at: c.committedAt,
          })),
          next_cursor: page.nextCursor,
          has_more: page.hasMore,
        };
      }),
  );
}
