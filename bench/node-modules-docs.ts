import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A Markdown file some package in node_modules ships. */
export interface ShippedDoc {
  /** Path relative to node_modules, e.g. `pino/docs/api.md`. */
  path: string;
  content: string;
}

// A changelog or a generated API dump of several hundred KB is not documentation anyone searches like a README.
const MAX_BYTES = 200_000;

/**
 * Every `README.md` (any case) at a package's root and every `docs/*.md` that the packages under `nodeModules`
 * ship, nested node_modules included, sorted by path; a file whose content another one already has (a package
 * installed twice) is kept once. Real documentation no one here wrote: the search bench's corpus (issue 15).
 */
export function shippedDocs(nodeModules: string): ShippedDoc[] {
  const found: string[] = [];
  const visitPackages = (dir: string) => {
    for (const entry of safeReaddir(dir)) {
      if (entry.startsWith('.')) continue;
      const path = join(dir, entry);
      if (entry.startsWith('@')) visitPackages(path);
      else visitPackage(path);
    }
  };
  const visitPackage = (dir: string) => {
    const names = safeReaddir(dir);
    for (const name of names) if (name.toLowerCase() === 'readme.md') found.push(join(dir, name));
    if (names.includes('docs')) for (const name of safeReaddir(join(dir, 'docs'))) if (name.endsWith('.md')) found.push(join(dir, 'docs', name));
    if (names.includes('node_modules')) visitPackages(join(dir, 'node_modules'));
  };
  visitPackages(nodeModules);
  const seen = new Set<string>();
  const docs: ShippedDoc[] = [];
  for (const file of found.sort()) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size === 0 || stat.size > MAX_BYTES) continue;
    const content = readFileSync(file, 'utf8');
    const hash = createHash('sha256').update(content).digest('hex');
    if (seen.has(hash)) continue;
    seen.add(hash);
    docs.push({ path: relative(nodeModules, file), content });
  }
  return docs;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
