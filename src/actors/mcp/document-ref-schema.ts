import { z } from 'zod';
import type { DocumentRef } from '../stores/graph-store.ts';

/** A document as the tools name a neighbour, parent or child: enough to show it and to fetch it with `get_document`. */
export const documentRefSchema = z.object({
  id: z.string().describe('Document id: pass it to get_document or related_documents.'),
  title: z.string(),
  path: z.string().describe('Path inside its source.'),
  url: z.string().nullable().describe('Web address, or null when the source has none (local folders).'),
});

/** A document reference in wire form. */
export type DocumentRefOut = z.infer<typeof documentRefSchema>;

/** The wire form of a store's `DocumentRef`. */
export function refOut(ref: DocumentRef): DocumentRefOut {
  return { id: ref.id, title: ref.title, path: ref.path, url: ref.url ?? null };
}
