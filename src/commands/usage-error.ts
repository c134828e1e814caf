/** The command line is wrong (unknown command or flag, missing argument). The CLI prints the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
  constructor(
    message: string,
    /** The command whose usage to show; undefined for the top-level usage. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** True when `error` is a `UsageError`. */
export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError;
}
