/** A tool call whose arguments name nothing inlet has (an unknown source or document): the caller's mistake, answered as a tool error. */
export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True for a `ToolInputError`. */
export function isToolInputError(error: unknown): error is ToolInputError {
  return error instanceof ToolInputError;
}
