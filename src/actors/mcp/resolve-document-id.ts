import type { McpDeps } from './mcp-deps.ts';
import { ToolInputError } from './tool-input-error.ts';

/** The id of the document a tool call names by `id` or by `url` (exactly one); an address no document has is the caller's mistake. */
export async function resolveDocumentId(deps: McpDeps, { id, url }: { id?: string; url?: string }): Promise<string> {
  if ((id === undefined) === (url === undefined)) throw new ToolInputError('ID_OR_URL', 'Give exactly one of id and url.');
  if (id !== undefined) return id;
  const catalog = await deps.catalog?.();
  if (!catalog) throw new ToolInputError('NO_URL_LOOKUP', 'This store cannot look documents up by url; give the id from search_docs instead.');
  const found = await catalog.idOfUrl(url!);
  if (found === null) throw new ToolInputError('UNKNOWN_URL', `There is no document with url '${url}'.`);
  return found;
}

/** The sentence for an id no document has. */
export function unknownDocument(id: string): ToolInputError {
  return new ToolInputError('UNKNOWN_DOCUMENT', `There is no document with id '${id}'; search_docs gives the ids of the documents inlet holds.`);
}
