import type { GithubApi, TreeEntry } from './github-client.ts';
import { isDocumentPath } from '../repository/index.ts';
import type { GithubOptions } from './github-options.ts';

/** path → blob of every document in a tree. */
export type DocumentBlobs = Record<string, { sha: string; size?: number }>;

/**
 * Lists the documents of a commit's tree in one recursive request. When GitHub truncates that answer (very large
 * repositories), walks the tree folder by folder instead, descending only towards and under `docs_path`.
 */
export async function listDocuments(api: GithubApi, options: GithubOptions, treeSha: string): Promise<DocumentBlobs> {
  const recursive = await api.tree(treeSha, true);
  if (!recursive.truncated) return collect(options, recursive.entries, '');
  const found: DocumentBlobs = {};
  const walk = async (sha: string, prefix: string): Promise<void> => {
    const level = await api.tree(sha, false);
    Object.assign(found, collect(options, level.entries, prefix));
    for (const entry of level.entries) {
      const path = prefix + entry.path;
      if (entry.type === 'tree' && isOnDocsRoute(options.docsPath, path)) await walk(entry.sha, `${path}/`);
    }
  };
  await walk(treeSha, '');
  return found;
}

function collect(options: GithubOptions, entries: TreeEntry[], prefix: string): DocumentBlobs {
  const found: DocumentBlobs = {};
  for (const entry of entries) {
    const path = prefix + entry.path;
    if (entry.type === 'blob' && isDocumentPath(options, path)) found[path] = { sha: entry.sha, size: entry.size };
  }
  return found;
}

/** True for folders that lead to docs_path (its ancestors) or lie under it. */
function isOnDocsRoute(docsPath: string, folder: string): boolean {
  return docsPath === '' || docsPath === folder || docsPath.startsWith(`${folder}/`) || folder.startsWith(`${docsPath}/`);
}
