/** The scheme and authority of document resources: `inlet://documents/{id}`. */
export const DOCUMENT_URI_PREFIX = 'inlet://documents/';

/** The resource URI of a document: its id percent-encoded as one path segment (ids hold `:` and `/`). */
export function documentUri(docId: string): string {
  return `${DOCUMENT_URI_PREFIX}${encodeURIComponent(docId)}`;
}

/** The document id a resource URI names, or null when it is not a document URI. */
export function docIdOfUri(uri: string): string | null {
  if (!uri.startsWith(DOCUMENT_URI_PREFIX)) return null;
  const segment = uri.slice(DOCUMENT_URI_PREFIX.length);
  if (segment === '' || segment.includes('/')) return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
