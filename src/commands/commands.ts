/** One command of the `inlet` command line. */
export interface CommandSpec {
  /** The words that name it: `health`, `queue stats`, `breaker reset`. */
  name: string;
  /** Its arguments as shown in usage: `<connector>`, `<query...>`. */
  args: string;
  /** One line saying what it does. */
  summary: string;
  /** The service's HTTP call it makes, for the runbook's operations; undefined for the commands that run inlet itself. */
  http?: { method: 'GET' | 'POST' | 'DELETE'; path: (args: string[]) => string };
}

const connector = (suffix: string) => (args: string[]) => `/connectors/${encodeURIComponent(args[0])}${suffix}`;

/** Every command, in the order `inlet --help` lists them. The first is the default. */
export const COMMANDS: readonly CommandSpec[] = [
  { name: 'serve', args: '', summary: 'run connectors, workers and the HTTP API (the default)' },
  { name: 'mcp', args: '', summary: 'serve MCP on stdin/stdout for an AI assistant, running the connectors and workers too (logs on stderr)' },
  { name: 'worker', args: '', summary: 'run workers only, draining the shared queue (scale out next to one serve process)' },
  { name: 'health', args: '', summary: 'print the health report', http: { method: 'GET', path: () => '/webhooks/health' } },
  { name: 'queue stats', args: '', summary: 'print the queue size, usage and backpressure', http: { method: 'GET', path: () => '/queue/stats' } },
  { name: 'queue dead-letters', args: '', summary: 'print the events that failed too often (admin)', http: { method: 'GET', path: () => '/queue/dead-letters' } },
  { name: 'queue clear', args: '', summary: 'empty the queue (testing only; admin)', http: { method: 'DELETE', path: () => '/queue?confirm=true' } },
  { name: 'breaker stats', args: '<connector>', summary: "print a connector's circuit breaker", http: { method: 'GET', path: connector('/breaker') } },
  { name: 'breaker reset', args: '<connector>', summary: "close a connector's circuit breaker (testing only; admin)", http: { method: 'POST', path: connector('/breaker/reset') } },
  { name: 'poll', args: '<connector>', summary: 'poll a connector now (admin)', http: { method: 'POST', path: connector('/poll') } },
  // Notion's signing key, stored at its verification request: the admin pastes it into Notion's UI, and forgets it to rotate.
  { name: 'webhook verification', args: '<connector>', summary: "print a Notion connector's webhook verification token (admin)", http: { method: 'GET', path: connector('/webhook-verification') } },
  { name: 'webhook forget', args: '<connector>', summary: "forget it, so Notion's next verification stores a new one (admin)", http: { method: 'DELETE', path: connector('/webhook-verification') } },
  // The words of the query may come quoted or not: `inlet search how to deploy` asks the same as `inlet search "how to deploy"`.
  { name: 'search', args: '<query...>', summary: 'search the ingested documents', http: { method: 'GET', path: (words) => `/search?q=${encodeURIComponent(words.join(' '))}` } },
  { name: 'version', args: '', summary: "print inlet's version" },
  { name: 'help', args: '[command]', summary: 'print this help, or a command’s' },
];

/** The command that `words` names (the longest match), with the words left over as its arguments. */
export function findCommand(words: string[]): { command: CommandSpec; args: string[] } | undefined {
  for (const length of [2, 1]) {
    const name = words.slice(0, length).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command && words.length >= length) return { command, args: words.slice(length) };
  }
  return undefined;
}
