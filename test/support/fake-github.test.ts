import { createHash } from 'node:crypto';
import { Octokit, RequestError } from 'octokit';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeGithub, primaryRateLimitBody, secondaryRateLimitBody, startFakeGithub } from './fake-github.ts';

let fake: FakeGithub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const owner = 'octo-org';
const repo = 'handbook';
const start = async (files: Record<string, string> = {}) => {
  fake = await startFakeGithub({ owner, repo, files });
  return fake;
};
const client = (f: FakeGithub, auth?: string) => new Octokit({ baseUrl: f.url, auth, throttle: { enabled: false }, retry: { enabled: false } });
/** The RequestError an octokit call rejects with (fails the test if it resolves). */
const rejection = async (call: Promise<unknown>): Promise<RequestError> => {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestError);
  return error as RequestError;
};
const gitBlobSha = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');

describe('fake GitHub REST API', () => {
  it('serves the repository with its default branch', async () => {
    const f = await start();
    const { data } = await client(f).request('GET /repos/{owner}/{repo}', { owner, repo });
    expect(data).toMatchObject({ full_name: 'octo-org/handbook', default_branch: 'main', html_url: 'https://github.com/octo-org/handbook' });
  });

  it('answers a commit by branch or sha, with an ETag that turns an unchanged poll into a free 304', async () => {
    const f = await start({ 'README.md': '# Handbook\n' });
    const octokit = client(f);
    const first = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: 'main' });
    expect(first.data.sha).toBe(f.headOf());
    expect(first.data.parents).toEqual([]);
    expect(first.data.commit.tree.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(first.data.commit.author?.name).toBe('Monalisa Octocat'); // fixture field left as documented
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const remaining = f.rateLimit.remaining;

    // @octokit/request 10 throws RequestError("Not modified", 304) on a 304 (fetch-wrapper: `if (status === 304) throw`),
    // so a caller polling with If-None-Match must catch status 304 as "unchanged".
    const notModified = await rejection(octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: 'main', headers: { 'if-none-match': etag } }));
    expect(notModified.status).toBe(304);
    expect(notModified.response?.data).toBe('');
    expect(notModified.response?.headers.etag).toBe(etag);
    expect(f.rateLimit.remaining).toBe(remaining);
    expect(f.requests.at(-1)).toMatchObject({ status: 304, countedAgainstRateLimit: false });
    expect(f.requests.at(-1)?.headers['if-none-match']).toBe(etag);

    const next = f.commit({ 'guide.md': 'Guide\n' });
    const changed = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: 'main', headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.data.sha).toBe(next);
    expect(changed.data.parents.map((p) => p.sha)).toEqual([first.data.sha]);
    expect(changed.data.files?.map((x) => [x.filename, x.status])).toEqual([['guide.md', 'added']]);
    expect(f.rateLimit.remaining).toBe(remaining - 1);

    const bySha = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: first.data.sha });
    expect(bySha.data.sha).toBe(first.data.sha);
  });

  it('answers an unknown ref with 422 "No commit found for SHA"', async () => {
    const f = await start();
    const error = await rejection(client(f).request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: 'nope' }));
    expect(error.status).toBe(422);
    expect(error.response?.data).toMatchObject({ message: 'No commit found for SHA: nope' });
  });

  it('lists trees recursively or one level at a time, with git blob shas', async () => {
    const f = await start({ 'README.md': 'hello\n', 'docs/a.md': 'A\n', 'docs/deep/b.md': 'B\n' });
    const octokit = client(f);
    const { data: commit } = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: 'main' });
    const tree_sha = commit.commit.tree.sha;
    const { data: all } = await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha, recursive: '1' });
    expect(all.truncated).toBe(false);
    expect(all.sha).toBe(tree_sha);
    expect(all.tree.map((e) => [e.path, e.type])).toEqual([
      ['README.md', 'blob'],
      ['docs', 'tree'],
      ['docs/a.md', 'blob'],
      ['docs/deep', 'tree'],
      ['docs/deep/b.md', 'blob'],
    ]);
    // `git hash-object` of "hello\n" is ce01362..., the same in every commit holding that content.
    expect(all.tree[0]).toMatchObject({ sha: 'ce013625030ba8dba906f756967f9e9ca394464a', size: 6, mode: '100644' });

    const { data: top } = await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha });
    expect(top.tree.map((e) => e.path)).toEqual(['README.md', 'docs']);
    const docs = top.tree[1];
    expect(docs).toMatchObject({ type: 'tree', mode: '040000' });
    expect(docs).not.toHaveProperty('size');
    const { data: sub } = await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha: docs.sha! });
    expect(sub.tree.map((e) => e.path)).toEqual(['a.md', 'deep']);

    f.commit({ 'other.md': 'hello\n' });
    const { data: later } = await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha: 'main', recursive: '1' });
    expect(later.tree.find((e) => e.path === 'other.md')?.sha).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(later.tree.find((e) => e.path === 'docs')?.sha).toBe(docs.sha); // unchanged subtree keeps its sha
  });

  it('truncates the recursive tree on demand, and the subtrees still list everything', async () => {
    const f = await start({ 'a.md': 'a', 'x/b.md': 'b', 'x/c.md': 'c', 'y/d.md': 'd', 'y/z/e.md': 'e' });
    f.setTreeTruncated(true);
    const octokit = client(f);
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha: 'main', recursive: '1' });
    expect(data.truncated).toBe(true);
    expect(data.tree.length).toBeLessThan(8);

    const files: string[] = [];
    const walk = async (tree_sha: string, prefix: string): Promise<void> => {
      const { data: level } = await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha });
      expect(level.truncated).toBe(false);
      for (const e of level.tree) {
        if (e.type === 'tree') await walk(e.sha!, `${prefix}${e.path}/`);
        else files.push(`${prefix}${e.path}`);
      }
    };
    await walk(data.sha, '');
    expect(files).toEqual(['a.md', 'x/b.md', 'x/c.md', 'y/d.md', 'y/z/e.md']);
  });

  it('serves blobs as base64 in 60-character lines that decode to the committed text', async () => {
    const text = `# Ünïcode handbook\n\n${'Lorem ipsum dolor sit amet. '.repeat(10)}\n`;
    const f = await start({ 'guide.md': text });
    const sha = gitBlobSha(text);
    const { data } = await client(f).request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner, repo, file_sha: sha });
    expect(data).toMatchObject({ sha, size: Buffer.byteLength(text), encoding: 'base64' });
    const lines = data.content.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -2).every((l) => l.length === 60)).toBe(true);
    expect(Buffer.from(data.content, 'base64').toString('utf8')).toBe(text);

    const missing = await rejection(client(f).request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner, repo, file_sha: '0'.repeat(40) }));
    expect(missing.status).toBe(404);
  });

  it('serves file and directory contents at a ref', async () => {
    const f = await start({ 'docs/a.md': 'A v1\n', 'docs/b.md': 'B\n' });
    const first = f.headOf();
    f.commit({ 'docs/a.md': 'A v2\n' });
    const octokit = client(f);
    const { data: file } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo, path: 'docs/a.md', ref: first });
    expect(file).toMatchObject({ type: 'file', path: 'docs/a.md', name: 'a.md', sha: gitBlobSha('A v1\n'), encoding: 'base64' });
    expect(Buffer.from((file as { content: string }).content, 'base64').toString()).toBe('A v1\n');
    const { data: dir } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo, path: 'docs' });
    expect((dir as { path: string; type: string }[]).map((e) => [e.path, e.type])).toEqual([
      ['docs/a.md', 'file'],
      ['docs/b.md', 'file'],
    ]);
  });

  it('compares two commits: added, modified, removed and renamed files with blob shas', async () => {
    const f = await start({ 'keep.md': 'keep\n', 'edit.md': 'one\ntwo\nthree\n', 'drop.md': 'bye\n', 'old/name.md': 'moving\n' });
    const base = f.headOf();
    const c1 = f.commit({ 'new.md': 'fresh\n', 'edit.md': 'one\n2\nthree\n', 'drop.md': null });
    const c2 = f.rename('old/name.md', 'new/name.md');
    const { data } = await client(f).request('GET /repos/{owner}/{repo}/compare/{basehead}', { owner, repo, basehead: `${base}...main` });
    expect(data).toMatchObject({ status: 'ahead', ahead_by: 2, behind_by: 0, total_commits: 2 });
    expect(data.base_commit.sha).toBe(base);
    expect(data.merge_base_commit.sha).toBe(base);
    expect(data.commits.map((c) => c.sha)).toEqual([c1, c2]);
    const bySha = Object.fromEntries(data.files!.map((x) => [x.filename, x]));
    expect(Object.keys(bySha)).toEqual(['drop.md', 'edit.md', 'new.md', 'new/name.md']);
    expect(bySha['new.md']).toMatchObject({ status: 'added', sha: gitBlobSha('fresh\n'), additions: 1, deletions: 0, changes: 1 });
    expect(bySha['edit.md']).toMatchObject({ status: 'modified', sha: gitBlobSha('one\n2\nthree\n'), additions: 1, deletions: 1, changes: 2 });
    expect(bySha['edit.md'].patch).toBe('@@ -2,1 +2,1 @@\n-two\n+2');
    expect(bySha['drop.md']).toMatchObject({ status: 'removed', deletions: 1 });
    expect(bySha['drop.md']).not.toHaveProperty('sha');
    expect(bySha['new/name.md']).toMatchObject({ status: 'renamed', previous_filename: 'old/name.md', sha: gitBlobSha('moving\n'), changes: 0 });
    expect(bySha['new/name.md'].contents_url).toBe(`${f.url}/repos/${owner}/${repo}/contents/new/name.md?ref=${c2}`);
  });

  it('reports identical, behind and diverged comparisons', async () => {
    const f = await start({ 'a.md': 'a\n' });
    const root = f.headOf();
    const octokit = client(f);
    const compare = async (basehead: string) => (await octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', { owner, repo, basehead })).data;
    f.commit({ 'b.md': 'b\n' }, { branch: 'feature/x' });
    f.commit({ 'c.md': 'c\n' });
    expect(await compare('main...main')).toMatchObject({ status: 'identical', ahead_by: 0, files: [] });
    expect(await compare(`main...${root}`)).toMatchObject({ status: 'behind', ahead_by: 0, behind_by: 1, files: [] });
    const diverged = await compare('main...feature/x');
    expect(diverged).toMatchObject({ status: 'diverged', ahead_by: 1, behind_by: 1 });
    expect(diverged.merge_base_commit.sha).toBe(root);
    expect(diverged.files?.map((x) => x.filename)).toEqual(['b.md']);
  });

  it('caps the compare files at the configured limit', async () => {
    const f = await start();
    const base = f.headOf();
    f.commit({ '1.md': '1', '2.md': '2', '3.md': '3' });
    f.setCompareFileLimit(2);
    const { data } = await client(f).request('GET /repos/{owner}/{repo}/compare/{basehead}', { owner, repo, basehead: `${base}...main` });
    expect(data.files).toHaveLength(2);
    expect(data.total_commits).toBe(1);
  });

  it('answers 404 when comparing with a commit a force push made unreachable', async () => {
    const f = await start({ 'a.md': 'a\n' });
    const old = f.commit({ 'a.md': 'a2\n' });
    const forced = f.forcePush({ 'a.md': 'rewritten\n', 'z.md': 'z\n' });
    expect(f.headOf()).toBe(forced);
    const octokit = client(f);
    const { data: head } = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: 'main' });
    expect(head.parents).toEqual([]);
    const error = await rejection(octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', { owner, repo, basehead: `${old}...main` }));
    expect(error.status).toBe(404);
    expect(error.response?.data).toMatchObject({ message: `No common ancestor between ${old} and main.` });
  });

  it('fails the next requests as scripted, then answers normally', async () => {
    const f = await start();
    const octokit = client(f);
    const getRepo = () => octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
    f.failNext(2, 502, { pathIncludes: '/compare/' });
    f.failNext(1, 403, { body: secondaryRateLimitBody, headers: { 'retry-after': '7' } });
    f.failNext(1, 429);

    const secondary = await rejection(getRepo());
    expect(secondary.status).toBe(403);
    expect(secondary.response?.headers['retry-after']).toBe('7');
    expect(secondary.response?.data).toEqual(secondaryRateLimitBody);
    const primary = await rejection(getRepo());
    expect(primary.status).toBe(429);
    expect(primary.response?.data).toEqual(primaryRateLimitBody);
    expect(primary.response?.headers['x-ratelimit-remaining']).toBe('0');
    expect((await getRepo()).status).toBe(200);

    const compare = () => octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', { owner, repo, basehead: 'main...main' });
    expect((await rejection(compare())).status).toBe(502);
    expect((await rejection(compare())).status).toBe(502);
    expect((await compare()).status).toBe(200);
    expect(f.requests.map((r) => r.status)).toEqual([403, 429, 200, 502, 502, 200]);
  });

  it('answers 403 with the primary rate-limit body once the window is spent, until reset passes', async () => {
    const f = await start();
    const octokit = client(f);
    f.rateLimit.remaining = 1;
    const ok = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
    expect(ok.headers['x-ratelimit-remaining']).toBe('0');
    expect(ok.headers['x-ratelimit-resource']).toBe('core');
    const limited = await rejection(octokit.request('GET /repos/{owner}/{repo}', { owner, repo }));
    expect(limited.status).toBe(403);
    expect(limited.response?.data).toEqual(primaryRateLimitBody);
    expect(limited.response?.headers['x-ratelimit-reset']).toBe(String(f.rateLimit.reset));

    const { data: status } = await octokit.request('GET /rate_limit');
    expect(status.resources.core).toMatchObject({ limit: 5000, remaining: 0 });
    expect(status.resources.search).toBeDefined(); // unrelated fixture fields stay
    expect(f.requests.map((r) => r.countedAgainstRateLimit)).toEqual([true, false, false]);

    f.rateLimit.reset = Math.floor(Date.now() / 1000) - 1;
    const after = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
    expect(after.headers['x-ratelimit-remaining']).toBe('4999');
    expect(Number(after.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
  });

  it('requires the configured token and answers 401 "Bad credentials" otherwise', async () => {
    const f = await start();
    f.requireToken('ghp_right');
    const get = (auth?: string) => client(f, auth).request('GET /repos/{owner}/{repo}', { owner, repo });
    for (const auth of [undefined, 'ghp_wrong']) {
      const error = await rejection(get(auth));
      expect(error.status).toBe(401);
      expect(error.response?.data).toMatchObject({ message: 'Bad credentials' });
    }
    expect((await get('ghp_right')).status).toBe(200);
    expect(f.requests.at(-1)?.headers.authorization).toBe('token ghp_right');
    const bearer = await fetch(`${f.url}/repos/${owner}/${repo}`, { headers: { authorization: 'Bearer ghp_right' } });
    expect(bearer.status).toBe(200);
    expect(f.requests.map((r) => [r.status, r.countedAgainstRateLimit])).toEqual([
      [401, false],
      [401, false],
      [200, true],
      [200, true],
    ]);
  });

  it('answers unknown routes with GitHub\'s 404 body and rate-limit headers', async () => {
    const f = await start();
    const response = await fetch(`${f.url}/repos/${owner}/${repo}/pulls`, { headers: { accept: 'application/vnd.github.raw+json' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(await response.json()).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    expect(f.requests[0]).toMatchObject({ method: 'GET', path: `/repos/${owner}/${repo}/pulls`, status: 404 });
  });
});
