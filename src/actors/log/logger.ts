/** A structured logger: one JSON object per line. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger writing JSON lines, with every configured secret value masked wherever it appears (a secret must never
 * reach a log line, even inside an error message a library built).
 */
export function createLogger(secrets: string[], write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const masked = secrets.filter((s) => s.length >= 4);
  const redact = (text: string) => masked.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  const log = (level: string) => (message: string, fields: Record<string, unknown> = {}) => {
    write(redact(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }, errorAsText)));
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

function errorAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
