/** inlet.yaml (or its environment) is invalid; `problems` name each key path and what was expected. The CLI exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** True when `error` is a `ConfigError`. */
export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}
