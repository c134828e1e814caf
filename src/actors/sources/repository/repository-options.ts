/**
 * What every source reading a Git repository's tree (GitHub over its API, any remote over `git`) is configured with,
 * from the metadata keys of the same names. The kinds' options extend it.
 */
export interface RepositoryOptions {
  /** Folder of the documents inside the repository; '' for the whole repository (`metadata.docs_path`). */
  docsPath: string;
  /** Branch to follow (`metadata.branch`); undefined means the repository's default branch. */
  branch?: string;
  /** File extensions that are documents (`metadata.patterns`, default `.md`, `.mdx`). */
  extensions: string[];
  /** Files larger than this are skipped with a counted reason (`metadata.max_file_bytes`, default 1 MB). */
  maxFileBytes: number;
  /** How often the tree is listed against the documents held (`metadata.reconcile_hours`, default 24 h), in ms. */
  reconcileMs: number;
  /** Above this share of held documents missing at once, nothing is deleted (`metadata.max_deletion_share`, default 0.2). */
  maxDeletionShare: number;
}

/** The repository keys of a kind's validated metadata; a kind may leave the last two unset (the defaults apply here). */
export interface RepositoryMetadata {
  docs_path: string;
  branch: string;
  patterns: string[];
  max_file_bytes: number;
  reconcile_hours?: number;
  max_deletion_share?: number;
}

/** The repository options from a kind's validated metadata. */
export function repositoryOptionsOf(m: RepositoryMetadata): RepositoryOptions {
  return {
    docsPath: m.docs_path,
    branch: m.branch === '' ? undefined : m.branch,
    extensions: m.patterns,
    maxFileBytes: m.max_file_bytes,
    reconcileMs: (m.reconcile_hours ?? 24) * 3_600_000,
    maxDeletionShare: m.max_deletion_share ?? 0.2,
  };
}

/** True when `path` is a document: under docs_path and with a document extension. */
export function isDocumentPath(options: Pick<RepositoryOptions, 'docsPath' | 'extensions'>, path: string): boolean {
  const under = options.docsPath === '' || path.startsWith(`${options.docsPath}/`);
  const dot = path.lastIndexOf('.');
  return under && dot > path.lastIndexOf('/') && options.extensions.includes(path.slice(dot).toLowerCase());
}
