import { join, resolve } from 'node:path';
import { parseMetadata } from '../../../config/parse-metadata.ts';
import type { ConnectorConfig } from '../../../config/schema.ts';
import { gitMetadataSchema } from './git-metadata.ts';

/** A Git connector's settings, from `connectors.<name>.metadata`. */
export interface GitOptions {
  /** The remote (`metadata.url`). */
  url: string;
  /** Branch to follow (`metadata.branch`); undefined means the remote's default branch. */
  branch?: string;
  /** Folder of the documents inside the repository; '' for the whole repository. */
  docsPath: string;
  /** File extensions that are documents (`metadata.patterns`, default `.md`, `.mdx`). */
  extensions: string[];
  /** Files larger than this are skipped with a counted reason (`metadata.max_file_bytes`, default 1 MB). */
  maxFileBytes: number;
  /** Longest one git command may run, in ms (`metadata.timeout_seconds`, default 120 s). */
  timeoutMs: number;
  /** How often the tree is listed against the documents held (`metadata.reconcile_hours`, default 24 h), in ms. */
  reconcileMs: number;
  /** Above this share of held documents missing at once, nothing is deleted (`metadata.max_deletion_share`, default 0.2). */
  maxDeletionShare: number;
  /** Absolute folder of the local bare clone (`metadata.clone_dir`, default `.inlet/git/<name>`). */
  cloneDir: string;
}

/** The Git connector's options from its section (metadata checked by `gitMetadataSchema`); throws a `ConfigError` naming a bad key. */
export function gitOptionsOf(name: string, config: ConnectorConfig): GitOptions {
  const m = parseMetadata(gitMetadataSchema, name, config.metadata);
  return {
    // A local path is made absolute: git runs inside the clone, where a relative one would mean something else.
    url: isLocalPath(m.url) ? resolve(m.url) : m.url,
    branch: m.branch === '' ? undefined : m.branch,
    docsPath: m.docs_path,
    extensions: m.patterns,
    maxFileBytes: m.max_file_bytes,
    timeoutMs: m.timeout_seconds * 1000,
    reconcileMs: m.reconcile_hours * 3_600_000,
    maxDeletionShare: m.max_deletion_share,
    cloneDir: resolve(m.clone_dir === '' ? join('.inlet', 'git', name) : m.clone_dir),
  };
}

/** True when `path` is a document: under docs_path and with a document extension. */
export function isGitDocumentPath(options: Pick<GitOptions, 'docsPath' | 'extensions'>, path: string): boolean {
  const under = options.docsPath === '' || path.startsWith(`${options.docsPath}/`);
  const dot = path.lastIndexOf('.');
  return under && dot > path.lastIndexOf('/') && options.extensions.includes(path.slice(dot).toLowerCase());
}

/** True for a path rather than a URL (`https://…`, `file://…`) or scp-like address (`git@host:org/repo.git`). */
function isLocalPath(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^[^/]*:/.test(url);
}
