import { parseMetadata } from '../../../config/parse-metadata.ts';
import type { ConnectorConfig } from '../../../config/schema.ts';
import { githubMetadataSchema } from './github-metadata.ts';

/** A GitHub connector's settings, from `connectors.<name>.metadata` and its token. */
export interface GithubOptions {
  owner: string;
  repo: string;
  /** Folder of the documents inside the repository; '' for the whole repository. */
  docsPath: string;
  /** Branch to follow; undefined means the repository's default branch. */
  branch?: string;
  /** File extensions that are documents (`metadata.patterns`, default `.md`, `.mdx`). */
  extensions: string[];
  /** REST API root (`metadata.api_url`): `https://api.github.com`, or `https://<host>/api/v3` for Enterprise Server. */
  apiUrl: string;
  /** Files larger than this are skipped with a counted reason (`metadata.max_file_bytes`, default 1 MB). */
  maxFileBytes: number;
  /** Requests kept in hand: below this remaining budget the connector waits for the reset (`metadata.rate_limit_reserve`, default 100; 5 without a token). */
  rateLimitReserve: number;
  /** Per-request timeout in ms (`metadata.request_timeout_seconds`, default 30 s). */
  requestTimeoutMs: number;
  /** How often the tree is listed against the documents held (`metadata.reconcile_hours`, default 24 h), in ms. */
  reconcileMs: number;
  /** Above this share of held documents missing at once, nothing is deleted (`metadata.max_deletion_share`, default 0.2). */
  maxDeletionShare: number;
  /** GITHUB_TOKEN; empty means anonymous (60 requests per hour). */
  token: string;
}

/** The GitHub connector's options from its section (metadata checked by `githubMetadataSchema`); throws a `ConfigError` naming a bad key. */
export function githubOptionsOf(name: string, config: ConnectorConfig): GithubOptions {
  const m = parseMetadata(githubMetadataSchema, name, config.metadata);
  return {
    owner: m.owner,
    repo: m.repo,
    docsPath: m.docs_path,
    branch: m.branch === '' ? undefined : m.branch,
    extensions: m.patterns,
    apiUrl: m.api_url,
    maxFileBytes: m.max_file_bytes,
    rateLimitReserve: m.rate_limit_reserve ?? (config.token ? 100 : 5),
    requestTimeoutMs: m.request_timeout_seconds * 1000,
    reconcileMs: (m.reconcile_hours ?? 24) * 3_600_000,
    maxDeletionShare: m.max_deletion_share ?? 0.2,
    token: config.token,
  };
}

/** Where a document of this repository is shown on the web (github.com, or the Enterprise host). */
export function webUrlOf(options: GithubOptions, branch: string, path: string): string {
  const host = options.apiUrl === 'https://api.github.com' ? 'https://github.com' : options.apiUrl.replace(/\/api\/v3$/, '');
  return `${host}/${options.owner}/${options.repo}/blob/${encodeURIComponent(branch)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** True when `path` is a document: under docs_path and with a document extension. */
export function isDocumentPath(options: GithubOptions, path: string): boolean {
  const under = options.docsPath === '' || path.startsWith(`${options.docsPath}/`);
  const dot = path.lastIndexOf('.');
  return under && dot > path.lastIndexOf('/') && options.extensions.includes(path.slice(dot).toLowerCase());
}
