/** Process-level options from the command line and the environment (everything else is in inlet.yaml). */
export interface RunOptions {
  /** First non-flag argument: `serve` (default), `worker`, or an operation such as `health`. */
  command: string[];
  /** Attach the Stately inspector: `--inspect` or INLET_INSPECT=1. */
  inspect: boolean;
  /** Port of the inspector relay: INLET_INSPECT_PORT, default 8080. */
  inspectPort: number;
  /** Accept unsigned webhook deliveries (development only): INLET_ALLOW_UNSIGNED_WEBHOOKS=1. */
  allowUnsignedWebhooks: boolean;
}

/** Reads the run options; `--config <file>` is consumed by `resolveConfigPath`. */
export function resolveRunOptions(argv: string[], env: Record<string, string | undefined>): RunOptions {
  const command: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--config') i++;
    else if (!argv[i].startsWith('--')) command.push(argv[i]);
  }
  return {
    command: command.length > 0 ? command : ['serve'],
    inspect: argv.includes('--inspect') || env.INLET_INSPECT === '1',
    inspectPort: Number(env.INLET_INSPECT_PORT ?? 8080),
    allowUnsignedWebhooks: env.INLET_ALLOW_UNSIGNED_WEBHOOKS === '1',
  };
}
