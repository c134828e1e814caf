import type { z } from 'zod';
import { parseMetadata } from '../../config/parse-metadata.ts';
import type { ConnectorConfig } from '../../config/schema.ts';

/** What a kind's options are built from besides its metadata. */
export interface ConnectorIdentity {
  /** The connector's name (`connectors.<name>`). */
  name: string;
  /** The connector's credential from the environment; '' for none. */
  token: string;
}

/**
 * A kind's options reader: the section's `metadata` checked by the kind's schema (a `ConfigError` naming a bad key;
 * a loaded config has passed it already), then turned into the kind's typed options by `build`.
 */
export function createOptionsOf<Schema extends z.ZodType, Options>(
  schema: Schema,
  build: (metadata: z.output<Schema>, connector: ConnectorIdentity) => Options,
): (name: string, config: ConnectorConfig) => Options {
  return (name, config) => build(parseMetadata(schema, name, config.metadata), { name, token: config.token });
}

