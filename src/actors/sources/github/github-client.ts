import { Octokit } from 'octokit';
import type { GuardedCall } from '../document-source.ts';
import { type Guarded, guarded } from '../guarded.ts';
import { RequestPacer } from '../http/request-pacer.ts';
import { SourceHttpClient } from '../http/source-http-client.ts';
import { RateLimitedError } from '../source-errors.ts';
import { classifyGithubFailure } from './github-errors.ts';
import type { GithubOptions } from './github-options.ts';
import { type RateLimitBudget, updateBudget } from './github-rate-limit.ts';

/** One entry of a git tree. */
export interface TreeEntry {
  path: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
}

/** A file changed between two commits, as the compare API lists it. */
export interface ComparedFile {
  filename: string;
  status: string;
  sha?: string;
  previous_filename?: string;
}

/** A `GET /commits/{ref}` answer: unchanged since the ETag, or the head with its tree. */
export type HeadAnswer = { notModified: true } | { notModified: false; sha: string; treeSha: string; etag: string | null };

/** The compare answer, or `missing` when the base commit is gone (a force push). */
export type CompareAnswer = { missing: true } | { missing: false; files: ComparedFile[] };

/** The GitHub calls one poll makes, each already routed through the connector's circuit breaker. */
export type GithubApi = Guarded<GithubClient>;

/** The client's calls through `guard`, so a poll cannot reach GitHub around the breaker. */
export function createGithubApi(client: GithubClient, guard: GuardedCall): GithubApi {
  return guarded(client, ['defaultBranch', 'head', 'tree', 'compare', 'blob'], guard);
}

/**
 * The few GitHub REST calls the connector makes, through octokit with its own retry and throttling switched off,
 * wrapped (not replaced) by the sources' HTTP client: timeout, abort, classification, counters. The connector
 * decides about retries (its statechart) and rate limits (this client) itself. Every answer's `x-ratelimit-*`
 * headers update the budget; once it is under the reserve, calls wait for the reset instead.
 */
export class GithubClient {
  private readonly octokit: Octokit;
  readonly http: SourceHttpClient;
  private budgetState: RateLimitBudget = { limit: null, remaining: null, resetAt: null };
  /** Answers that did not count against the budget (304). */
  readonly counters = { notModified: 0 };

  constructor(
    private readonly connector: string,
    private readonly options: GithubOptions,
    private readonly now: () => number = Date.now,
  ) {
    const classify = classifyGithubFailure(`${options.owner}/${options.repo}`, now);
    this.http = new SourceHttpClient({
      connector,
      timeoutMs: options.requestTimeoutMs,
      // GitHub's budget is kept below (the reserve), not paced: the pacer only counts and records the headers.
      pacer: new RequestPacer({}),
      classify: (failure) => {
        this.budgetState = updateBudget(this.budgetState, failure.headers);
        return classify(failure);
      },
      now,
    });
    this.octokit = new Octokit({
      baseUrl: options.apiUrl,
      auth: options.token || undefined,
      userAgent: 'inlet',
      throttle: { enabled: false },
      retry: { enabled: false },
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
  }

  /** The budget as last reported. */
  get budget(): RateLimitBudget {
    return this.budgetState;
  }

  async defaultBranch(signal: AbortSignal | undefined): Promise<string> {
    const { data } = await this.call('GET /repos/{owner}/{repo}', {}, {}, signal);
    return (data as { default_branch: string }).default_branch;
  }

  /** The branch head, conditionally: an unchanged head answers 304, which GitHub does not count against the limit. */
  async head(signal: AbortSignal | undefined, branch: string, etag: string | null): Promise<HeadAnswer> {
    try {
      const { data, headers } = await this.call('GET /repos/{owner}/{repo}/commits/{ref}', { ref: branch }, etag ? { 'if-none-match': etag } : {}, signal);
      const commit = data as { sha: string; commit: { tree: { sha: string } } };
      return { notModified: false, sha: commit.sha, treeSha: commit.commit.tree.sha, etag: (headers.etag as string | undefined) ?? null };
    } catch (error) {
      if ((error as { status?: number }).status === 304) {
        this.counters.notModified++;
        return { notModified: true };
      }
      throw error;
    }
  }

  async tree(signal: AbortSignal | undefined, sha: string, recursive: boolean): Promise<{ entries: TreeEntry[]; truncated: boolean }> {
    const { data } = await this.call('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { tree_sha: sha, ...(recursive ? { recursive: '1' } : {}) }, {}, signal);
    const tree = data as { tree: TreeEntry[]; truncated: boolean };
    return { entries: tree.tree, truncated: tree.truncated };
  }

  async compare(signal: AbortSignal | undefined, base: string, head: string): Promise<CompareAnswer> {
    try {
      const { data } = await this.call('GET /repos/{owner}/{repo}/compare/{basehead}', { basehead: `${base}...${head}` }, {}, signal);
      return { missing: false, files: (data as { files?: ComparedFile[] }).files ?? [] };
    } catch (error) {
      if ((error as { status?: number }).status === 404) return { missing: true };
      throw error;
    }
  }

  async blob(signal: AbortSignal | undefined, sha: string): Promise<{ size: number; content: string }> {
    const { data } = await this.call('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { file_sha: sha }, {}, signal);
    const blob = data as { size: number; content: string; encoding: string };
    return { size: blob.size, content: Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8') };
  }

  /** One request; `signal` (the poll's) aborts it along with the request timeout. */
  private async call(route: string, params: Record<string, string>, headers: Record<string, string> = {}, signal?: AbortSignal) {
    const { remaining, resetAt } = this.budgetState;
    const now = this.now();
    if (remaining !== null && resetAt !== null && remaining < this.options.rateLimitReserve && resetAt > now) {
      throw new RateLimitedError(this.connector, resetAt - now, `${remaining} requests left, under the reserve of ${this.options.rateLimitReserve}`);
    }
    const response = await this.http.call(signal, (s) =>
      this.octokit.request(route, { owner: this.options.owner, repo: this.options.repo, ...params, headers, request: { signal: s } }),
    );
    this.budgetState = updateBudget(this.budgetState, response.headers);
    return response;
  }
}
