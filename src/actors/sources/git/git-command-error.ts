/** A `git` command that failed: `retryable` when trying again may help (network, timeout), not when the remote refused. */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  readonly code = 'GIT_COMMAND';
  constructor(
    /** The git subcommand that failed (`fetch`, `ls-tree`). */
    readonly command: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `error` is a `GitCommandError`. */
export function isGitCommandError(error: unknown): error is GitCommandError {
  return error instanceof GitCommandError;
}
