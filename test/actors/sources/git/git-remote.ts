import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const IDENTITY = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' };

/** A real bare repository in a temp folder, and a work tree that commits and pushes to it. */
export interface GitRemote {
  /** The bare repository: the connector's `metadata.url`. */
  url: string;
  /** A folder for the connector's clone, removed with the rest. */
  cloneDir: string;
  write(files: Record<string, string>): void;
  rename(from: string, to: string): void;
  remove(path: string): void;
  /** Commits everything and pushes it to `branch` (default main); `force` pushes a history with the tip replaced. */
  push(message: string, options?: { branch?: string; amend?: boolean }): string;
  close(): void;
}

/** Creates a bare repository whose default branch is main, holding `files` in one commit. */
export function createGitRemote(files: Record<string, string>): GitRemote {
  const root = mkdtempSync(join(tmpdir(), 'inlet-git-'));
  const url = join(root, 'remote.git');
  const work = join(root, 'work');
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: { ...process.env, ...IDENTITY }, stdio: 'pipe' }).toString('utf8').trim();
  mkdirSync(work);
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', url);
  git(work, 'init', '--quiet', '--initial-branch=main');
  const remote: GitRemote = {
    url,
    cloneDir: join(root, 'clone'),
    write(more) {
      for (const [path, content] of Object.entries(more)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), content);
      }
    },
    rename(from, to) {
      mkdirSync(dirname(join(work, to)), { recursive: true });
      renameSync(join(work, from), join(work, to));
    },
    remove(path) {
      rmSync(join(work, path));
    },
    push(message, { branch = 'main', amend = false } = {}) {
      git(work, 'add', '--all');
      git(work, 'commit', '--quiet', '--allow-empty', ...(amend ? ['--amend'] : []), '-m', message);
      git(work, 'push', '--quiet', '--force', url, `HEAD:refs/heads/${branch}`);
      return git(work, 'rev-parse', 'HEAD');
    },
    close() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  remote.write(files);
  remote.push('initial');
  return remote;
}
