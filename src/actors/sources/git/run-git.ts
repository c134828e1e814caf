import { execFile } from 'node:child_process';
import { GitCommandError } from './git-command-error.ts';
import { isPermanentGitFailure } from './permanent-git-failure.ts';

/** How one `git` command runs. */
export interface RunGitOptions {
  /** The repository to run in (`git -C`); none for commands that take a URL only (`ls-remote`). */
  cwd?: string;
  /** Killed after this many ms. */
  timeoutMs: number;
  /** Killed when aborted (the poll was abandoned). */
  signal: AbortSignal;
  /** Largest output kept, in bytes; more fails the command. Default 64 MB. */
  maxOutputBytes?: number;
  /** Written to the command's standard input (`cat-file --batch` reads its object ids there). */
  input?: string;
}

/**
 * Runs the `git` binary with `args`, without a shell (no word splitting or expansion of anything a config holds), and
 * returns its standard output as bytes. Never prompts: a remote asking for credentials fails at once.
 */
export function runGit(args: string[], options: RunGitOptions): Promise<Buffer> {
  const { cwd, timeoutMs, signal, maxOutputBytes = 64 * 1024 * 1024, input } = options;
  // The environment passes through (PATH, HOME, proxies, the SSH agent); only what makes git non-interactive and its
  // messages classifiable (English) is added. No setting of inlet is read from it.
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '', LC_ALL: 'C' };
  // `ext::` runs a command of the URL's choosing; git refuses it by default, and a user's global config must not re-allow it.
  const hardened = ['-c', 'protocol.ext.allow=never', ...(cwd === undefined ? [] : ['-C', cwd])];
  // SIGTERM on timeout or abort, not SIGKILL: git removes its lock files (shallow.lock, the ref locks) on a catchable
  // signal, and a lock left behind would fail every later fetch of the clone.
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...hardened, ...args],
      { encoding: 'buffer', timeout: timeoutMs, killSignal: 'SIGTERM', signal, maxBuffer: maxOutputBytes, env, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const command = args.find((a) => !a.startsWith('-')) ?? 'git';
        const output = stderr.toString('utf8');
        // git's first `fatal:` line names the problem; the hints after it are the same for every failure.
        const said = (/^fatal: .*$/m.exec(output)?.[0] ?? output.trim().split('\n').at(-1) ?? '').slice(0, 500);
        if (signal.aborted) return reject(new GitCommandError(command, `git ${command} aborted: the poll was abandoned`, true, { cause: error }));
        if ((error as { killed?: boolean }).killed) {
          return reject(new GitCommandError(command, `git ${command} did not finish within ${timeoutMs} ms`, true, { cause: error }));
        }
        reject(new GitCommandError(command, `git ${command} failed: ${said || error.message}`, !isPermanentGitFailure(output), { cause: error }));
      },
    );
    // An early exit closes the pipe under the write; the exit itself is reported above.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}
