import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from './run-git.ts';

/** One entry of a tree listing: a file's blob id and size. */
export interface TreeBlob {
  sha: string;
  size: number;
}

/** One change between two commits, renames found by git's similarity check. */
export type TreeChange = { status: 'added' | 'modified' | 'deleted'; path: string } | { status: 'renamed'; from: string; path: string };

/** The ref a fetched branch is kept under in the local clone. */
const TRACKING_REF = 'refs/inlet/head';

/**
 * A local bare clone that holds only what the connector needs: the tip of one branch, fetched shallow. The remote URL is
 * passed to each fetch (never stored as a remote), so a changed URL needs no clean-up, and after `--` so it can never
 * read as an option. Every call gets the poll's abort signal and the command timeout.
 */
export class GitRepository {
  constructor(
    private readonly dir: string,
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  /** The branch the remote's HEAD names (its default branch). */
  async defaultBranch(signal: AbortSignal): Promise<string> {
    const out = (await runGit(['ls-remote', '--symref', '--', this.url, 'HEAD'], { timeoutMs: this.timeoutMs, signal })).toString('utf8');
    const branch = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out)?.[1];
    if (branch === undefined) throw new Error(`the remote ${this.url} names no default branch; set metadata.branch`);
    return branch;
  }

  /** Fetches the tip of `branch` (depth 1, no tags) and returns its commit id. */
  async fetch(branch: string, signal: AbortSignal): Promise<string> {
    if (!existsSync(join(this.dir, 'HEAD'))) {
      mkdirSync(this.dir, { recursive: true });
      await this.git(['init', '--bare', '--quiet'], signal);
    }
    await this.git(['fetch', '--quiet', '--depth=1', '--no-tags', '--no-write-fetch-head', '--', this.url, `+refs/heads/${branch}:${TRACKING_REF}`], signal);
    return (await this.git(['rev-parse', '--verify', `${TRACKING_REF}^{commit}`], signal)).toString('utf8').trim();
  }

  /** True when the clone still holds `commit` (a fresh clone, or one pruned, does not). */
  async hasCommit(commit: string, signal: AbortSignal): Promise<boolean> {
    if (!/^[0-9a-f]{40,64}$/.test(commit)) return false;
    try {
      await this.git(['cat-file', '-e', `${commit}^{commit}`], signal);
      return true;
    } catch {
      return false;
    }
  }

  /** path → blob of every file under `folder` ('' for all) at `commit`. */
  async listTree(commit: string, folder: string, signal: AbortSignal): Promise<Map<string, TreeBlob>> {
    const out = await this.git(['ls-tree', '-r', '-z', '--long', '--full-tree', commit, '--', ...(folder ? [folder] : [])], signal);
    const blobs = new Map<string, TreeBlob>();
    for (const line of records(out)) {
      // `<mode> SP <type> SP <object> SP+ <size> TAB <path>`
      const tab = line.indexOf('\t');
      const [, type, sha, size] = line.slice(0, tab).split(/ +/);
      if (type === 'blob') blobs.set(line.slice(tab + 1), { sha: sha!, size: Number(size) });
    }
    return blobs;
  }

  /** The files changed from `from` to `to` under `folder`, a rename as one change. */
  async diff(from: string, to: string, folder: string, signal: AbortSignal): Promise<TreeChange[]> {
    const fields = records(await this.git(['diff-tree', '-r', '-z', '--no-commit-id', '--name-status', '-M', from, to, '--', ...(folder ? [folder] : [])], signal));
    const changes: TreeChange[] = [];
    for (let i = 0; i < fields.length; ) {
      const status = fields[i++]!;
      if (status.startsWith('R')) {
        changes.push({ status: 'renamed', from: fields[i++]!, path: fields[i++]! });
      } else if (status.startsWith('C')) {
        i++; // a copy leaves its source in place
        changes.push({ status: 'added', path: fields[i++]! });
      } else {
        changes.push({ status: status === 'D' ? 'deleted' : status === 'A' ? 'added' : 'modified', path: fields[i++]! });
      }
    }
    return changes;
  }

  /** The bytes of each blob, read by one `cat-file --batch` (one process for a whole backfill, not one per file). */
  async readBlobs(shas: readonly string[], signal: AbortSignal): Promise<Map<string, Buffer>> {
    const blobs = new Map<string, Buffer>();
    if (shas.length === 0) return blobs;
    const out = await this.git(['cat-file', '--batch'], signal, `${shas.join('\n')}\n`);
    // Each object: `<sha> SP <type> SP <size> LF <content> LF`, or `<sha> SP missing LF`.
    for (let at = 0; at < out.length; ) {
      const eol = out.indexOf(0x0a, at);
      const [sha, type, size] = out.subarray(at, eol).toString('utf8').split(' ');
      at = eol + 1;
      if (type === 'missing' || size === undefined) continue;
      blobs.set(sha!, out.subarray(at, at + Number(size)));
      at += Number(size) + 1;
    }
    return blobs;
  }

  private git(args: string[], signal: AbortSignal, input?: string): Promise<Buffer> {
    return runGit(args, { cwd: this.dir, timeoutMs: this.timeoutMs, signal, input });
  }
}

/** The NUL-separated records of `-z` output, as UTF-8 strings. */
function records(out: Buffer): string[] {
  const text = out.toString('utf8');
  return text === '' ? [] : text.replace(/\0$/, '').split('\0');
}
