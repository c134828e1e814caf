import { createLogger } from './actors/log/logger.ts';
import { AVAILABLE_KINDS } from './actors/sources/create-source.ts';
import { ConfigError, isConfigError } from './config/config-error.ts';
import { loadConfig, resolveConfigPath, secretsOf } from './config/load-config.ts';
import { resolveRunOptions } from './config/run-options.ts';
import type { InletConfig } from './config/schema.ts';
import { findOperation, OPERATIONS, operate } from './commands/operate.ts';
import { serve } from './commands/serve.ts';

/** Enabled connectors of a kind this build cannot poll are a configuration error, caught before anything starts. */
function checkKinds(file: string, config: InletConfig): void {
  const problems = Object.entries(config.connectors)
    .filter(([, c]) => c.enabled)
    .map(([name, c]) => [name, c.kind ?? name] as const)
    .filter(([, kind]) => !(AVAILABLE_KINDS as readonly string[]).includes(kind))
    .map(([name, kind]) => `connectors.${name}: kind '${kind}' is not available in this build (available: ${AVAILABLE_KINDS.join(', ')}); set enabled: false`);
  if (problems.length > 0) throw new ConfigError(file, problems);
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const run = resolveRunOptions(argv, env);
  const file = resolveConfigPath(argv, env);
  const config = loadConfig(file, env);
  checkKinds(file, config);
  const logger = createLogger(secretsOf(config));
  const [command] = run.command;
  if (command === 'serve' || command === 'worker') {
    await serve(config, run, logger, command);
    return -1; // keeps running until a signal
  }
  const found = findOperation(run.command);
  if (!found) {
    console.error(`unknown command '${run.command.join(' ')}'. Commands: serve, worker, ${Object.values(OPERATIONS).map((o) => o.usage).join(', ')}`);
    return 2;
  }
  return operate(config, found.operation, found.args, env);
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (isConfigError(error)) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
