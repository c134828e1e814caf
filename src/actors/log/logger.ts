import { type DestinationStream, type Logger as PinoLogger, pino, stdSerializers, stdTimeFunctions } from 'pino';
import type { LogLevel } from '../../config/schema.ts';

export type { LogLevel };

/** Extra keys of one log line; an Error under any top-level key is written with its stack and cause. */
export type LogFields = Record<string, unknown>;

/**
 * The structured logger the code base writes to: a message and fields, one JSON object per line. Kept to the three
 * levels the code uses so a test can hand in a recording fake; `log.level` still filters all of pino's levels.
 */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** `log.level`: the least severe level written. Default `info`. */
  level?: LogLevel;
  /** Configured secret values (`secretsOf(config)`): masked wherever they appear in a line, even inside an error's text. */
  secrets: string[];
  /** Where lines go; default stderr, written synchronously so the last lines before an exit are not lost. */
  destination?: DestinationStream | { write(line: string): unknown };
}

/** What replaces a secret in a line. */
export const REDACTED = '[redacted]';

/** Keys whose values are secrets whatever they hold; redacted at the top level and up to MAX_DEPTH objects below. */
const SECRET_KEYS = [
  'token',
  'access_token',
  'refresh_token',
  'admin_token',
  'webhook_secret',
  'secret',
  'password',
  'api_key',
  'apiKey',
  'authorization',
  'Authorization',
  'cookie',
  'x-api-key',
  'x-admin-token',
];
const MAX_DEPTH = 3;

/** pino's redaction paths for SECRET_KEYS: `token`, `*.token`, `*.*.token`, ... (a `*` matches one level only). */
export function secretPaths(keys: readonly string[] = SECRET_KEYS, depth = MAX_DEPTH): string[] {
  return keys.flatMap((key) => {
    const plain = /^[A-Za-z_$][\w$]*$/.test(key);
    return Array.from({ length: depth + 1 }, (_, d) => {
      const prefix = '*.'.repeat(d);
      if (plain) return `${prefix}${key}`;
      return `${prefix.slice(0, -1)}[${JSON.stringify(key)}]`;
    });
  });
}

/**
 * A structured logger on pino: JSON lines with `level` as a word, `time` as ISO 8601 and the text under `message`.
 * Secret keys are redacted by path, and every configured secret value is masked in the finished line, so a token that
 * a library copied into an error message or stack does not leak either.
 */
export function createLogger(options: LoggerOptions): Logger {
  const mask = secretMasker(options.secrets);
  const base = pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      messageKey: 'message',
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: errorsSerialized },
      serializers: { err: stdSerializers.errWithCause, error: stdSerializers.errWithCause },
      redact: { paths: secretPaths(), censor: REDACTED },
      hooks: { streamWrite: mask },
    },
    (options.destination as DestinationStream | undefined) ?? pino.destination({ dest: 2, sync: true }),
  );
  return port(base);
}

/** The `Logger` port over a pino logger: `(message, fields)` in, pino's `(fields, message)` out. */
function port(log: PinoLogger): Logger {
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
  };
}

/**
 * Errors under keys other than `err`/`error` (which pino's serializers handle) get the same treatment: their own JSON
 * form would be `{}`. Runs before the serializers.
 */
function errorsSerialized(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error && key !== 'err' && key !== 'error') {
      out ??= { ...fields };
      out[key] = stdSerializers.errWithCause(value);
    }
  }
  return out ?? fields;
}

/**
 * Replaces every secret in a finished line, both as written and as JSON escapes it (a secret with a quote or a
 * backslash appears escaped inside the line). Secrets shorter than 4 characters are left alone: masking them would
 * shred ordinary words.
 */
function secretMasker(secrets: string[]): (line: string) => string {
  const forms = [...new Set(secrets.filter((s) => s.length >= 4).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  // Longest first, so a secret that contains another is masked whole.
  forms.sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (line) => line;
  return (line) => forms.reduce((out, secret) => (out.includes(secret) ? out.split(secret).join(REDACTED) : out), line);
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
