import type { InletConfig } from '../config/schema.ts';

/** An operation of the runbook, run against the service's HTTP API. */
interface Operation {
  method: string;
  path: (args: string[]) => string;
  usage: string;
}

/** The runbook's operations as commands: `inlet health`, `inlet queue stats`, `inlet breaker reset github`, ... */
export const OPERATIONS: Record<string, Operation> = {
  health: { method: 'GET', path: () => '/webhooks/health', usage: 'inlet health' },
  'queue stats': { method: 'GET', path: () => '/queue/stats', usage: 'inlet queue stats' },
  'queue dead-letters': { method: 'GET', path: () => '/queue/dead-letters', usage: 'inlet queue dead-letters' },
  'queue clear': { method: 'DELETE', path: () => '/queue', usage: 'inlet queue clear' },
  'breaker stats': { method: 'GET', path: ([name]) => `/connectors/${encodeURIComponent(name)}/breaker`, usage: 'inlet breaker stats <connector>' },
  'breaker reset': { method: 'POST', path: ([name]) => `/connectors/${encodeURIComponent(name)}/breaker/reset`, usage: 'inlet breaker reset <connector>' },
  poll: { method: 'POST', path: ([name]) => `/connectors/${encodeURIComponent(name)}/poll`, usage: 'inlet poll <connector>' },
  // The words of the query may come quoted or not: `inlet search how to deploy` asks the same as `inlet search "how to deploy"`.
  search: { method: 'GET', path: (words) => `/search?q=${encodeURIComponent(words.join(' '))}`, usage: 'inlet search <query>' },
};

/** Finds the operation a command names, with its remaining arguments. */
export function findOperation(command: string[]): { operation: Operation; args: string[] } | undefined {
  const two = OPERATIONS[command.slice(0, 2).join(' ')];
  if (two) return { operation: two, args: command.slice(2) };
  const one = OPERATIONS[command[0]];
  return one ? { operation: one, args: command.slice(1) } : undefined;
}

/** Runs an operation against the local service and prints its JSON answer; exit code 0 on 2xx, 1 otherwise. */
export async function operate(config: InletConfig, operation: Operation, args: string[], env: Record<string, string | undefined>): Promise<number> {
  if (/<\w+>/.test(operation.usage) && !args.join('').trim()) {
    console.error(`usage: ${operation.usage}`);
    return 2;
  }
  const base = env.INLET_URL || `http://127.0.0.1:${config.server.port}`;
  const headers: Record<string, string> = config.server.admin_token ? { authorization: `Bearer ${config.server.admin_token}` } : {};
  try {
    const response = await fetch(`${base}${operation.path(args)}`, { method: operation.method, headers });
    console.log(JSON.stringify(await response.json(), null, 2));
    return response.ok ? 0 : 1;
  } catch (error) {
    console.error(`cannot reach inlet at ${base}: ${(error as Error).message} (is it running? set INLET_URL to point elsewhere)`);
    return 1;
  }
}
