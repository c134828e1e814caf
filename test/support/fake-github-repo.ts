import { createHash } from 'node:crypto';

/** One entry of a stored git tree, as the trees API lists it. */
export interface FakeTreeEntry {
  name: string;
  mode: '100644' | '040000';
  type: 'blob' | 'tree';
  sha: string;
  /** Bytes of a blob; absent for trees, as in GitHub's answer. */
  size?: number;
}

/** A stored commit: its git fields plus the flat file map it snapshots. */
export interface FakeCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  /** ISO 8601 without milliseconds, as GitHub prints commit dates. */
  date: string;
  /** path -> blob sha. */
  files: Map<string, string>;
  /** Renames made by this commit, [from, to]. */
  renames: [string, string][];
}

/** One changed file between two commits, before it is dressed as a GitHub diff entry. */
export interface FakeDiffFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed';
  /** Blob sha on the head side; absent for removed files. */
  sha?: string;
  previousFilename?: string;
  additions: number;
  deletions: number;
  patch?: string;
}

/** Where head stands relative to base, as GitHub's compare reports it. */
export interface FakeComparison {
  status: 'ahead' | 'behind' | 'identical' | 'diverged';
  mergeBase: FakeCommit;
  aheadBy: number;
  behindBy: number;
  /** Commits reachable from head but not from base, oldest first. */
  commits: FakeCommit[];
}

// Commit dates advance one minute per commit from here, so shas are stable from run to run.
const EPOCH_MS = Date.UTC(2024, 0, 1);
const AUTHOR = 'Monalisa Octocat <mona@github.com>';

/** Git's object id: sha1 of `<type> <byte length>\0<body>` (https://git-scm.com/book/en/v2/Git-Internals-Git-Objects). */
export function gitObjectSha(type: 'blob' | 'tree' | 'commit', body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

/** An in-memory git object store with branches: real blob, tree and commit shas; linear histories only. */
export class FakeGitRepo {
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, FakeTreeEntry[]>();
  readonly commits = new Map<string, FakeCommit>();
  readonly branches = new Map<string, string>();
  private clock = 0;

  constructor(
    readonly defaultBranch: string,
    files: Record<string, string>,
  ) {
    this.write(defaultBranch, new Map(Object.entries(files).map(([p, c]) => [normalize(p), this.writeBlob(c)])), [], 'Initial commit', []);
  }

  /** Head sha of a branch; throws for an unknown branch. */
  head(branch = this.defaultBranch): string {
    const sha = this.branches.get(branch);
    if (!sha) throw new Error(`fake-github: no branch ${branch}`);
    return sha;
  }

  /** New commit on `branch` (created from the default branch if new) applying path -> content | null. */
  commit(branch: string, changes: Record<string, string | null>, message: string): string {
    const parent = this.commits.get(this.branches.get(branch) ?? this.head())!;
    const files = new Map(parent.files);
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) files.delete(normalize(path));
      else files.set(normalize(path), this.writeBlob(content));
    }
    return this.write(branch, files, [parent.sha], message, []);
  }

  /** Moves `from` to `to` in a new commit on `branch`. */
  rename(branch: string, from: string, to: string): string {
    const parent = this.commits.get(this.head(branch))!;
    const sha = parent.files.get(normalize(from));
    if (!sha) throw new Error(`fake-github: no file ${from} on ${branch}`);
    const files = new Map(parent.files);
    files.delete(normalize(from));
    files.set(normalize(to), sha);
    return this.write(branch, files, [parent.sha], `Rename ${from} to ${to}`, [[normalize(from), normalize(to)]]);
  }

  /** Points `branch` at a new root commit holding exactly `files`: the old history shares nothing with it. */
  forcePush(branch: string, files: Record<string, string>): string {
    const blobs = new Map(Object.entries(files).map(([p, c]) => [normalize(p), this.writeBlob(c)]));
    return this.write(branch, blobs, [], 'Force push', []);
  }

  /** A branch name (optionally `refs/heads/`-prefixed), a full sha or an unambiguous sha prefix of 7+ chars. */
  resolve(ref: string): FakeCommit | undefined {
    const branch = this.branches.get(ref.replace(/^refs\/heads\/|^heads\//, ''));
    if (branch) return this.commits.get(branch);
    if (!/^[0-9a-f]{7,40}$/i.test(ref)) return undefined;
    const found = [...this.commits.keys()].filter((sha) => sha.startsWith(ref.toLowerCase()));
    return found.length === 1 ? this.commits.get(found[0]) : undefined;
  }

  /** Entries of a tree with their full paths, recursive in git's pre-order or only the direct children. */
  listTree(treeSha: string, recursive: boolean, prefix = ''): { path: string; entry: FakeTreeEntry }[] {
    return (this.trees.get(treeSha) ?? []).flatMap((entry) => {
      const path = `${prefix}${entry.name}`;
      const below = recursive && entry.type === 'tree' ? this.listTree(entry.sha, true, `${path}/`) : [];
      return [{ path, entry }, ...below];
    });
  }

  /** The tree entry at `path` in a commit ('' is the root tree). */
  find(commit: FakeCommit, path: string): FakeTreeEntry | undefined {
    let entry: FakeTreeEntry | undefined = { name: '', mode: '040000', type: 'tree', sha: commit.tree };
    for (const name of normalize(path).split('/').filter(Boolean)) {
      entry = entry?.type === 'tree' ? this.trees.get(entry.sha)?.find((e) => e.name === name) : undefined;
    }
    return entry;
  }

  /** Compare base with head through their merge base, or undefined when the histories share no commit. */
  compare(base: FakeCommit, head: FakeCommit): FakeComparison | undefined {
    const baseLine = this.history(base);
    const headLine = this.history(head);
    const mergeBase = headLine.find((c) => baseLine.includes(c));
    if (!mergeBase) return undefined;
    const commits = headLine.slice(0, headLine.indexOf(mergeBase)).reverse();
    const behindBy = baseLine.indexOf(mergeBase);
    const status = base === head ? 'identical' : commits.length === 0 ? 'behind' : behindBy === 0 ? 'ahead' : 'diverged';
    return { status, mergeBase, aheadBy: commits.length, behindBy, commits };
  }

  /** Files changed from `from` (none: empty tree) to `to`; renames come from rename() calls, then from identical content. */
  diff(from: FakeCommit | undefined, to: FakeCommit, renames: [string, string][]): FakeDiffFile[] {
    const before = from?.files ?? new Map<string, string>();
    const removed = [...before.keys()].filter((p) => !to.files.has(p));
    const added = [...to.files.keys()].filter((p) => !before.has(p));
    const pairs = new Map<string, string>(); // new path -> old path
    const origins = new Map<string, string>();
    for (const [a, b] of renames) {
      origins.set(b, origins.get(a) ?? a);
      origins.delete(a);
    }
    for (const [now, was] of origins) if (added.includes(now) && removed.includes(was)) pairs.set(now, was);
    for (const now of added) {
      const was = removed.find((p) => before.get(p) === to.files.get(now) && ![...pairs.values()].includes(p));
      if (!pairs.has(now) && was) pairs.set(now, was);
    }
    const files: FakeDiffFile[] = [];
    const paths = new Set([...before.keys(), ...to.files.keys()]);
    for (const path of [...paths].sort()) {
      const oldSha = before.get(pairs.get(path) ?? path);
      const newSha = to.files.get(path);
      if ([...pairs.values()].includes(path) || (oldSha === newSha && !pairs.has(path))) continue;
      const status = !newSha ? 'removed' : pairs.has(path) ? 'renamed' : !oldSha ? 'added' : 'modified';
      const change = lineDiff(this.text(oldSha), this.text(newSha));
      files.push({ filename: path, status, sha: newSha, previousFilename: pairs.get(path), ...change });
    }
    return files;
  }

  private text(sha: string | undefined): string | undefined {
    return sha === undefined ? undefined : this.blobs.get(sha)?.toString('utf8');
  }

  private history(commit: FakeCommit): FakeCommit[] {
    const line: FakeCommit[] = [];
    for (let c: FakeCommit | undefined = commit; c; c = this.commits.get(c.parents[0] ?? '')) line.push(c);
    return line;
  }

  private writeBlob(content: string): string {
    const body = Buffer.from(content, 'utf8');
    const sha = gitObjectSha('blob', body);
    this.blobs.set(sha, body);
    return sha;
  }

  private writeTree(files: [string, string][]): string {
    const entries: FakeTreeEntry[] = [];
    const dirs = new Map<string, [string, string][]>();
    for (const [path, sha] of files) {
      const slash = path.indexOf('/');
      if (slash === -1) entries.push({ name: path, mode: '100644', type: 'blob', sha, size: this.blobs.get(sha)!.length });
      else dirs.set(path.slice(0, slash), [...(dirs.get(path.slice(0, slash)) ?? []), [path.slice(slash + 1), sha]]);
    }
    for (const [name, below] of dirs) entries.push({ name, mode: '040000', type: 'tree', sha: this.writeTree(below) });
    // Git sorts tree entries by name, a subtree's name compared as if it ended with '/'.
    const key = (e: FakeTreeEntry) => Buffer.from(e.type === 'tree' ? `${e.name}/` : e.name);
    entries.sort((a, b) => Buffer.compare(key(a), key(b)));
    const body = Buffer.concat(entries.flatMap((e) => [Buffer.from(`${e.type === 'tree' ? '40000' : e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')]));
    const sha = gitObjectSha('tree', body);
    this.trees.set(sha, entries);
    return sha;
  }

  private write(branch: string, files: Map<string, string>, parents: string[], message: string, renames: [string, string][]): string {
    const tree = this.writeTree([...files]);
    const ms = EPOCH_MS + this.clock++ * 60_000;
    const who = `${AUTHOR} ${ms / 1000} +0000`;
    const body = `tree ${tree}\n${parents.map((p) => `parent ${p}\n`).join('')}author ${who}\ncommitter ${who}\n\n${message}\n`;
    const sha = gitObjectSha('commit', Buffer.from(body, 'utf8'));
    const date = new Date(ms).toISOString().replace('.000Z', 'Z');
    this.commits.set(sha, { sha, tree, parents, message, date, files, renames });
    this.branches.set(branch, sha);
    return sha;
  }
}

function normalize(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/** Line counts and a unified-diff hunk covering everything between the common first and last lines. */
function lineDiff(before: string | undefined, after: string | undefined): Pick<FakeDiffFile, 'additions' | 'deletions' | 'patch'> {
  const a = lines(before);
  const b = lines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const gone = a.slice(head, a.length - tail);
  const come = b.slice(head, b.length - tail);
  if (gone.length + come.length === 0) return { additions: 0, deletions: 0 };
  const range = (n: number) => `${n === 0 ? head : head + 1},${n}`;
  const patch = [`@@ -${range(gone.length)} +${range(come.length)} @@`, ...gone.map((l) => `-${l}`), ...come.map((l) => `+${l}`)].join('\n');
  return { additions: come.length, deletions: gone.length, patch };
}

function lines(text: string | undefined): string[] {
  if (!text) return [];
  const all = text.split('\n');
  return text.endsWith('\n') ? all.slice(0, -1) : all;
}
