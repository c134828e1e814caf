/**
 * A readable, stable path segment for a page that has no file path (Notion, Confluence): the title's slug and the
 * page id, like the sources' own URLs. The id keeps it unique and stable when the title changes.
 */
export function pageSlug(title: string, id: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug ? `${slug}-${id}` : id;
}
