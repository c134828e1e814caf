#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseCommandLine, usage } from './commands/command-line.ts';
import type { CommandLine } from './commands/command-line.ts';
import { findCommand } from './commands/commands.ts';
import { operate, ServiceUnreachableError, serviceAddress } from './commands/operate.ts';
import { isUsageError } from './commands/usage-error.ts';
import { isConfigError } from './config/config-error.ts';
import { readServerSection } from './config/read-server-section.ts';

/** The process keeps running (serve, worker) until a signal stops it. */
const RUNNING = 'running';

/** inlet's command line: parses, then runs the command; returns the exit code, or RUNNING for the long-lived ones. */
async function main(line: CommandLine, env: NodeJS.ProcessEnv): Promise<number | typeof RUNNING> {
  if (line.help) {
    process.stdout.write(usage(line.command));
    return 0;
  }
  const file = line.config ?? (env.INLET_CONFIG || 'inlet.yaml');
  const name = line.command.name;
  if (name === 'version') {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`inlet ${version} (node ${process.version})\n`);
    return 0;
  }
  if (line.command.http) {
    // An operation needs only the port and the admin token (and INLET_URL): no schema, so it starts quickly.
    const explicit = line.config !== undefined || Boolean(env.INLET_CONFIG);
    return operate(line.command, line.args, serviceAddress(readServerSection(file, explicit, env), env));
  }
  // Loaded only for the long-lived commands: the operations above stay quick to start.
  const { loadConfig } = await import('./config/load-config.ts');
  const config = loadConfig(file, env);
  if (name === 'mcp') {
    const { runMcp } = await import('./commands/mcp.ts');
    await runMcp({ config });
    return RUNNING;
  }
  const { serve } = await import('./commands/serve.ts');
  await serve({ config, configFile: file, flags: line, env, role: name === 'worker' ? 'worker' : 'serve' });
  return RUNNING;
}

/** One line on stderr, or the stack and its causes with --verbose; never a stack by surprise. */
function report(error: unknown, verbose: boolean): number {
  if (isUsageError(error)) {
    process.stderr.write(`inlet: ${error.message}\n\n${usage(error.command ? findCommand(error.command.split(' '))?.command : undefined)}`);
    return 2;
  }
  if (isConfigError(error)) {
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  if (verbose) {
    let cause: unknown = error;
    for (let depth = 0; cause && depth < 5; depth++, cause = (cause as Error).cause) {
      process.stderr.write(`${depth === 0 ? '' : 'caused by: '}${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`);
    }
  } else if (error instanceof ServiceUnreachableError) {
    process.stderr.write(`inlet: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`inlet: ${message.split('\n')[0]} (--verbose shows the stack)\n`);
  }
  return 1;
}

const argv = process.argv.slice(2);
const verbose = argv.includes('--verbose');
let line: CommandLine;
try {
  line = parseCommandLine(argv);
} catch (error) {
  process.exit(report(error, verbose));
}
main(line, process.env).then(
  (code) => {
    if (code !== RUNNING) process.exit(code);
  },
  (error: unknown) => {
    process.exitCode = report(error, verbose);
    // A half-started service may hold timers and sockets open; a failed start must still end the process.
    setImmediate(() => process.exit());
  },
);
