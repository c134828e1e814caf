import { readFileSync } from 'node:fs';
import type { FakeComparison, FakeCommit, FakeDiffFile, FakeGitRepo, FakeTreeEntry } from './fake-github-repo.ts';

type Json = Record<string, unknown>;

// GitHub's documented REST examples; test/fixtures/README.md names each file's source.
const FIXTURES = new URL('../fixtures/github/rest/', import.meta.url);
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Json;

const commitFixture = fixture('repos.get-commit.200.json');
const compareFixture = fixture('repos.compare-commits.200.json');
const treeFixture = fixture('git.get-tree.recursive.200.json');
const fileFixture = fixture('repos.get-content.file.200.json');
const directoryFixture = fixture('repos.get-content.directory.200.json') as unknown as Json[];
const rateLimitFixture = fixture('rate-limit.get.200.json');

/** GitHub's documented primary rate-limit 403 body (rate-limit.primary-exceeded.403.json). */
export const primaryRateLimitBody = fixture('rate-limit.primary-exceeded.403.json').body as Json;
/** GitHub's documented secondary rate-limit 403 body (rate-limit.secondary-exceeded.403.json). */
export const secondaryRateLimitBody = fixture('rate-limit.secondary-exceeded.403.json').body as Json;
/** GitHub's answer to an unknown route or an object the caller may not see. */
export const notFoundBody: Json = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' };
/** GitHub's answer to a wrong token. */
export const badCredentialsBody: Json = { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' };

/** Deep copy of a fixture with `dotted.path` fields replaced (undefined deletes), so unrelated fields keep their documented form. */
export function override(source: unknown, fields: Record<string, unknown>): Json {
  const out = structuredClone(source) as Json;
  for (const [path, value] of Object.entries(fields)) {
    const keys = path.split('.');
    const last = keys.pop()!;
    const node = keys.reduce((n, k) => n[k] as Json, out);
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return out;
}

/** Rate-limit numbers as the fake tracks them. */
export interface FakeRateLimit {
  limit: number;
  remaining: number;
  reset: number;
  used: number;
}

/** Builds GitHub-shaped JSON for one fake repository served at `apiUrl`. */
export function createGithubBodies(repo: FakeGitRepo, apiUrl: string, owner: string, name: string) {
  const api = `${apiUrl}/repos/${owner}/${name}`;
  const html = `https://github.com/${owner}/${name}`;
  const base64 = (data: Buffer) => (data.toString('base64').match(/.{1,60}/g) ?? []).map((l) => `${l}\n`).join(''); // Ruby's Base64.encode64 layout
  const nodeId = (kind: string, id: string) => Buffer.from(`${kind}${id}`).toString('base64');

  const diffEntry = (f: FakeDiffFile, at: string, before: string) =>
    override(compareFixture.files as Json[], {
      '0.sha': f.sha,
      '0.filename': f.filename,
      '0.status': f.status,
      '0.additions': f.additions,
      '0.deletions': f.deletions,
      '0.changes': f.additions + f.deletions,
      '0.blob_url': `${html}/blob/${f.sha ? at : before}/${encodeURI(f.filename)}`,
      '0.raw_url': `${html}/raw/${f.sha ? at : before}/${encodeURI(f.filename)}`,
      '0.contents_url': `${api}/contents/${encodeURI(f.filename)}?ref=${f.sha ? at : before}`,
      '0.patch': f.patch,
      '0.previous_filename': f.previousFilename,
    })[0] as Json;

  const commit = (c: FakeCommit, withFiles: boolean): Json => {
    const parent = c.parents[0] ? repo.commits.get(c.parents[0]) : undefined;
    const files = withFiles ? repo.diff(parent, c, c.renames) : [];
    const additions = files.reduce((n, f) => n + f.additions, 0);
    const deletions = files.reduce((n, f) => n + f.deletions, 0);
    return override(commitFixture, {
      url: `${api}/commits/${c.sha}`,
      sha: c.sha,
      node_id: nodeId('06:Commit', c.sha),
      html_url: `${html}/commit/${c.sha}`,
      comments_url: `${api}/commits/${c.sha}/comments`,
      'commit.url': `${api}/git/commits/${c.sha}`,
      'commit.author.date': c.date,
      'commit.committer.date': c.date,
      'commit.message': c.message,
      'commit.tree': { url: `${api}/git/trees/${c.tree}`, sha: c.tree },
      parents: c.parents.map((p) => ({ url: `${api}/commits/${p}`, sha: p, html_url: `${html}/commit/${p}` })),
      stats: withFiles ? { additions, deletions, total: additions + deletions } : undefined,
      files: withFiles ? files.map((f) => diffEntry(f, c.sha, parent?.sha ?? c.sha)) : undefined,
    });
  };

  const treeEntry = (path: string, e: FakeTreeEntry): Json => ({
    path,
    mode: e.mode,
    type: e.type,
    sha: e.sha,
    ...(e.size === undefined ? {} : { size: e.size }),
    url: `${api}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`,
  });

  const contentEntry = (path: string, e: FakeTreeEntry, ref: string, template: Json, content?: Buffer): Json => {
    const kind = e.type === 'tree' ? 'tree' : 'blob';
    return override(template, {
      type: e.type === 'tree' ? 'dir' : 'file',
      size: e.size ?? 0,
      name: path.split('/').pop(),
      path,
      sha: e.sha,
      url: `${api}/contents/${encodeURI(path)}?ref=${ref}`,
      git_url: `${api}/git/${kind}s/${e.sha}`,
      html_url: `${html}/${kind}/${ref}/${encodeURI(path)}`,
      download_url: e.type === 'tree' ? null : `https://raw.githubusercontent.com/${owner}/${name}/${ref}/${encodeURI(path)}`,
      _links: { self: `${api}/contents/${encodeURI(path)}?ref=${ref}`, git: `${api}/git/${kind}s/${e.sha}`, html: `${html}/${kind}/${ref}/${encodeURI(path)}` },
      ...(content ? { content: base64(content), encoding: 'base64' } : {}),
    });
  };

  return {
    /** GET /repos/{owner}/{repo}: no fixture holds a repository, so this is the documented core of the full-repository schema. */
    repository: (): Json => ({
      id: 1296269,
      node_id: nodeId('010:Repository', '1296269'),
      name,
      full_name: `${owner}/${name}`,
      owner: override(commitFixture.author, { login: owner, url: `${apiUrl}/users/${owner}`, html_url: `https://github.com/${owner}` }),
      private: false,
      html_url: html,
      description: null,
      fork: false,
      url: api,
      default_branch: repo.defaultBranch,
      visibility: 'public',
    }),
    commit: (c: FakeCommit) => commit(c, true),
    tree: (sha: string, recursive: boolean, truncated: boolean): Json => {
      const all = repo.listTree(sha, recursive);
      const listed = truncated ? all.slice(0, Math.max(1, Math.ceil(all.length / 2))) : all;
      return override(treeFixture, {
        sha,
        url: `${api}/git/trees/${sha}`,
        tree: listed.map(({ path, entry }) => treeEntry(path, entry)),
        truncated,
      });
    },
    /** No blob example in the fixtures: the documented fields of GET /git/blobs/{sha}. */
    blob: (sha: string, data: Buffer): Json => ({ sha, node_id: nodeId('04:Blob', sha), size: data.length, url: `${api}/git/blobs/${sha}`, content: base64(data), encoding: 'base64' }),
    file: (path: string, e: FakeTreeEntry, ref: string): Json => contentEntry(path, e, ref, fileFixture, repo.blobs.get(e.sha)!),
    directory: (path: string, e: FakeTreeEntry, ref: string): Json[] =>
      repo.listTree(e.sha, false, path ? `${path}/` : '').map(({ path: p, entry }) => contentEntry(p, entry, ref, directoryFixture[entry.type === 'tree' ? 1 : 0])),
    compare: (base: FakeCommit, head: FakeCommit, basehead: string, cmp: FakeComparison, fileLimit: number): Json => {
      const renames = cmp.commits.flatMap((c) => c.renames);
      const files = repo.diff(cmp.mergeBase, head, renames).slice(0, fileLimit);
      return override(compareFixture, {
        url: `${api}/compare/${basehead}`,
        html_url: `${html}/compare/${basehead}`,
        permalink_url: `${html}/compare/${owner}:${base.sha}...${owner}:${head.sha}`,
        diff_url: `${html}/compare/${basehead}.diff`,
        patch_url: `${html}/compare/${basehead}.patch`,
        base_commit: commit(base, false),
        merge_base_commit: commit(cmp.mergeBase, false),
        status: cmp.status,
        ahead_by: cmp.aheadBy,
        behind_by: cmp.behindBy,
        total_commits: cmp.aheadBy,
        commits: cmp.commits.slice(0, 250).map((c) => commit(c, false)), // compare lists at most 250 commits (endpoint description)
        files: files.map((f) => diffEntry(f, head.sha, cmp.mergeBase.sha)),
      });
    },
    rateLimit: (r: FakeRateLimit): Json => {
      const core = { limit: r.limit, remaining: r.remaining, reset: r.reset, used: r.used };
      return override(rateLimitFixture, { 'resources.core': core, rate: core });
    },
    noCommit: (ref: string): Json => ({
      message: `No commit found for SHA: ${ref}`,
      documentation_url: 'https://docs.github.com/rest/commits/commits#get-a-commit',
    }),
    noCommonAncestor: (base: string, head: string): Json => ({
      message: `No common ancestor between ${base} and ${head}.`,
      documentation_url: 'https://docs.github.com/rest/commits/commits#compare-two-commits',
    }),
  };
}

/** The JSON builders of one fake repository. */
export type GithubBodies = ReturnType<typeof createGithubBodies>;
