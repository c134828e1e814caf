import { type DestinationStream, type Logger as PinoLogger, pino, stdTimeFunctions } from 'pino';
import type { LogLevel } from '../../config/schema.ts';
import { createSecretScrubber, REDACTED, type SecretScrubber, scrubDeep } from './secret-scrubber.ts';

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
  /** Configured secret values (`secretsOf(config)`): masked in every string of a line, an error's text included. */
  secrets: string[];
  /** Where lines go; default stderr, written synchronously so the last lines before an exit are not lost. */
  destination?: DestinationStream | { write(line: string): unknown };
}

export { REDACTED };

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
 * Secret keys are redacted by path (pino's `redact`); before pino serialises anything, every string of the message and
 * fields (errors turned into plain objects first, their stacks and causes included) has the configured secret values
 * and credential-shaped text replaced. Masking the finished JSON line instead missed secrets that JSON escapes
 * (quotes, backslashes, control characters): issue 13.
 */
export function createLogger(options: LoggerOptions): Logger {
  const base = pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      messageKey: 'message',
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors arrive already turned into scrubbed plain objects; pino's default `err` serializer would re-wrap them.
      serializers: { err: (value: unknown) => value },
      redact: { paths: secretPaths(), censor: REDACTED },
    },
    (options.destination as DestinationStream | undefined) ?? pino.destination({ dest: 2, sync: true }),
  );
  return port(base, createSecretScrubber(options.secrets));
}

/** The `Logger` port over a pino logger: `(message, fields)` in, scrubbed, pino's `(fields, message)` out. */
function port(log: PinoLogger, scrub: SecretScrubber): Logger {
  const write = (level: 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => {
    if (!log.isLevelEnabled(level)) return;
    log[level]((fields ? scrubDeep(fields, scrub) : {}) as object, scrub(message));
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
