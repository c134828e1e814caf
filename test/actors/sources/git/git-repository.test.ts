import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isGitCommandError } from '../../../../src/actors/sources/git/git-command-error.ts';
import { GitRepository } from '../../../../src/actors/sources/git/git-repository.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const signal = () => new AbortController().signal;

describe('Git repository: what a remote URL cannot make git do', () => {
  it('passes the URL after --, so one that looks like an option is a repository name and runs nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'inlet-git-url-'));
    const marker = join(dir, 'pwned');
    // The config refuses such a URL; the repository must be safe without that check too.
    const repository = new GitRepository(join(dir, 'clone'), `--upload-pack=touch ${marker}`, 10_000);
    const error = await repository.fetch('main', signal()).catch((e: unknown) => e);
    expect(isGitCommandError(error) && error.message).toMatch(/git fetch failed: fatal: .*--upload-pack=touch/);
    expect(existsSync(marker)).toBe(false);
    const listed = await repository.defaultBranch(signal()).catch((e: unknown) => e);
    expect(isGitCommandError(listed)).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses the ext:: transport, which would run a command, as a permanent failure', async () => {
    dir = mkdtempSync(join(tmpdir(), 'inlet-git-url-'));
    const marker = join(dir, 'pwned');
    const repository = new GitRepository(join(dir, 'clone'), `ext::touch ${marker}`, 10_000);
    const error = await repository.fetch('main', signal()).catch((e: unknown) => e);
    expect(isGitCommandError(error) && error.message).toContain("transport 'ext' not allowed");
    expect(isGitCommandError(error) && error.retryable).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });
});
