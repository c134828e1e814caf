import type { ConnectorConfig } from '../../../config/schema.ts';

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
  /** GITHUB_TOKEN; empty means anonymous (60 requests per hour). */
  token: string;
}

/** Reads and checks the GitHub metadata; throws naming the key that is missing or wrong. */
export function githubOptionsOf(name: string, config: ConnectorConfig): GithubOptions {
  const m = config.metadata;
  const text = (key: string, fallback?: string): string => {
    const value = m[key];
    if (value === undefined || value === null || value === '') {
      if (fallback !== undefined) return fallback;
      throw new Error(`connectors.${name}.metadata.${key}: required for a GitHub connector`);
    }
    if (typeof value !== 'string') throw new Error(`connectors.${name}.metadata.${key}: expected a string`);
    return value;
  };
  const number = (key: string, fallback: number): number => {
    const value = m[key] === undefined ? fallback : Number(m[key]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`connectors.${name}.metadata.${key}: expected a non-negative number`);
    return value;
  };
  const patterns = m.patterns;
  return {
    owner: text('owner'),
    repo: text('repo'),
    docsPath: text('docs_path', '').replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, ''),
    branch: typeof m.branch === 'string' && m.branch !== '' ? m.branch : undefined,
    extensions: Array.isArray(patterns) ? patterns.map((p) => String(p).toLowerCase()) : ['.md', '.mdx'],
    apiUrl: text('api_url', 'https://api.github.com').replace(/\/+$/, ''),
    maxFileBytes: number('max_file_bytes', 1_000_000),
    rateLimitReserve: number('rate_limit_reserve', config.token ? 100 : 5),
    requestTimeoutMs: number('request_timeout_seconds', 30) * 1000,
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
