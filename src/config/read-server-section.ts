import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error.ts';
import { type InterpolationProblem, interpolate } from './interpolate.ts';

/** What the command line's operations need of the configuration: where the service listens and its tokens. */
export interface ServerSection {
  port: number;
  adminToken: string;
  /** `server.read_token`; empty when unset. */
  readToken: string;
}

/**
 * Reads only `server.port`, `server.admin_token` and `server.read_token` for the runbook operations (`inlet health`, ...). It leaves zod and
 * the rest of the schema unloaded, which is most of a compiled operation's start-up time (issue 10: `inlet health`
 * under 500 ms), and an operation does not fail on a setting it does not use (an unset `${GITHUB_WEBHOOK_SECRET}`, say).
 * `serve` validates the whole file. Without a file: port 8000 and INLET_ADMIN_TOKEN, as the default inlet.yaml says.
 */
export function readServerSection(file: string, explicit: boolean, env: Record<string, string | undefined>): ServerSection {
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError(file, ['file not found (pass --config <file> or set INLET_CONFIG)']);
    return { port: 8000, adminToken: env.INLET_ADMIN_TOKEN ?? '', readToken: env.INLET_READ_TOKEN ?? '' };
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    throw new ConfigError(file, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  const missing: InterpolationProblem[] = [];
  const server = interpolate((raw as { server?: unknown }).server ?? {}, env, missing, ['server']) as Record<string, unknown>;
  const problems = missing.map((m) => `${m.path}: environment variable ${m.variable} is not set (use \${${m.variable}:-default} to allow that)`);
  const port = server.port === undefined || server.port === '' ? 8000 : Number(server.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push(`server.port: expected a port number (0-65535), got ${JSON.stringify(server.port)}`);
  const adminToken = server.admin_token === undefined ? '' : String(server.admin_token);
  const readToken = server.read_token === undefined ? '' : String(server.read_token);
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { port, adminToken, readToken };
}
