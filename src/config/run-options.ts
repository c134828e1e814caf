import { ConfigError } from './config-error.ts';

/** Process-level options from the command line and the environment (everything else is in inlet.yaml). */
export interface RunOptions {
  /** Attach the Stately inspector relay: `--inspect` or INLET_INSPECT=1. */
  inspect: boolean;
  /** Port of the inspector relay (on `server.host`): INLET_INSPECT_PORT, default 8080. */
  inspectPort: number;
  /** Accept unsigned webhook deliveries (development only): INLET_ALLOW_UNSIGNED_WEBHOOKS=1. */
  allowUnsignedWebhooks: boolean;
}

/** Reads the run options from the parsed flags and the environment; a bad INLET_INSPECT_PORT is a `ConfigError`. */
export function resolveRunOptions(flags: { inspect: boolean }, env: Record<string, string | undefined>): RunOptions {
  const inspectPort = Number(env.INLET_INSPECT_PORT ?? 8080);
  if (!Number.isInteger(inspectPort) || inspectPort < 0 || inspectPort > 65_535) {
    throw new ConfigError('environment', [`INLET_INSPECT_PORT: expected a port number (0-65535), got "${env.INLET_INSPECT_PORT}"`]);
  }
  return {
    inspect: flags.inspect || env.INLET_INSPECT === '1',
    inspectPort,
    allowUnsignedWebhooks: env.INLET_ALLOW_UNSIGNED_WEBHOOKS === '1',
  };
}
