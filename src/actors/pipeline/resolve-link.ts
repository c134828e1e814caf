import { posix } from 'node:path';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const MARKDOWN_FILE = /\.mdx?$/i;

/**
 * The document id (`<source>:<path>`) a relative link to a `.md`/`.mdx` file points at, or null for
 * URLs with a scheme, protocol-relative and pure-anchor links, non-Markdown targets and paths escaping the source root.
 * A leading `/` is taken relative to the source root, as GitHub renders it; paths never start with `/` or `./`.
 */
export function resolveLink(source: string, fromPath: string, target: string): string | null {
  let cleaned = target.trim();
  if (cleaned.startsWith('<') && cleaned.endsWith('>')) cleaned = cleaned.slice(1, -1).trim();
  if (cleaned === '' || cleaned.startsWith('#') || cleaned.startsWith('//') || SCHEME.test(cleaned)) return null;
  cleaned = cleaned.replace(/[?#].*$/, '');
  try {
    // Authors write `my%20page.md` for `my page.md`; the stored path is the decoded one.
    cleaned = decodeURIComponent(cleaned);
  } catch {
    // A stray `%` is most likely literal: keep the text as written.
  }
  if (!MARKDOWN_FILE.test(cleaned)) return null;
  const base = cleaned.startsWith('/') ? '/' : posix.dirname(`/${normalizeRoot(fromPath)}`);
  const resolved = posix.normalize(posix.join(base, cleaned.replaceAll('\\', '/')));
  // posix.join against '/' clamps `..` at the root; a link that climbs out of the source is not ours to resolve.
  if (climbsOut(base, cleaned)) return null;
  return `${source}:${resolved.replace(/^\/+/, '')}`;
}

function normalizeRoot(path: string): string {
  return posix.normalize(path.replaceAll('\\', '/')).replace(/^(\.\/|\/)+/, '');
}

function climbsOut(base: string, relative: string): boolean {
  let depth = base.split('/').filter(Boolean).length;
  for (const part of relative.split('/')) {
    if (part === '..') depth -= 1;
    else if (part !== '.' && part !== '') depth += 1;
    if (depth < 0) return true;
  }
  return false;
}
