import type { ServerSection } from '../config/read-server-section.ts';
import type { CommandSpec } from './commands.ts';

/** Where to reach the service and how to authenticate: the config's port and tokens, or INLET_URL. */
export interface ServiceAddress {
  baseUrl: string;
  adminToken: string;
  /** Sent when there is no admin token: enough for the reader operations (health details, stats, search). */
  readToken?: string;
}

/** The running service this process talks to: INLET_URL, else 127.0.0.1 on `server.port`. */
export function serviceAddress(server: ServerSection, env: Record<string, string | undefined>): ServiceAddress {
  return { baseUrl: env.INLET_URL || `http://127.0.0.1:${server.port}`, adminToken: server.adminToken, readToken: server.readToken };
}

/**
 * Runs one of the runbook's operations against the running service and prints its JSON answer on stdout.
 * Returns the exit code: 0 on 2xx, 1 otherwise (the answer, a JSON error, is printed all the same).
 */
export async function operate(
  command: CommandSpec,
  args: string[],
  service: ServiceAddress,
  print: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
): Promise<number> {
  if (!command.http) throw new Error(`'${command.name}' is not an operation of the service`);
  // The admin token grants every role; without it the read token covers the reader operations.
  const token = service.adminToken || service.readToken;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let response: Response;
  try {
    response = await fetch(`${service.baseUrl}${command.http.path(args)}`, { method: command.http.method, headers });
  } catch (error) {
    throw new ServiceUnreachableError(service.baseUrl, error);
  }
  const text = await response.text();
  print(prettyJson(text));
  return response.ok ? 0 : 1;
}

/** The service did not answer at all: not running, wrong port, or INLET_URL points elsewhere. */
export class ServiceUnreachableError extends Error {
  override readonly name = 'ServiceUnreachableError';
  readonly code = 'SERVICE_UNREACHABLE';
  constructor(baseUrl: string, cause: unknown) {
    const reason = (cause as { cause?: { code?: string } })?.cause?.code ?? (cause as Error)?.message;
    super(`cannot reach inlet at ${baseUrl} (${reason}): is it running? set INLET_URL to point elsewhere`, { cause });
  }
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
