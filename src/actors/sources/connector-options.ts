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


/** A snake_case metadata key as the camelCase option name: `api_url` → `apiUrl`. */
export type CamelCase<Key extends string> = Key extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : Key;

/**
 * The keys `Keys` of a kind's validated metadata under their camelCase names, with their types: the options a kind takes
 * as they are. Each is documented once, on its key in the kind's metadata schema; editors do not carry that doc over to
 * the renamed key (microsoft/TypeScript#50715), so a kind lists the keys by their snake_case names, which lead there.
 */
export type CamelCasedPick<Metadata, Keys extends keyof Metadata & string> = { [Key in Keys as CamelCase<Key>]: Metadata[Key] };

/** Like `CamelCasedPick`, for keys the schema may leave unset and the kind's builder fills in: never undefined. */
export type CamelCasedFilled<Metadata, Keys extends keyof Metadata & string> = { [Key in Keys as CamelCase<Key>]-?: NonNullable<Metadata[Key]> };

/** The values of `keys` in a kind's validated metadata, under their camelCase names (`CamelCasedPick`). */
export function camelCasedPick<Metadata extends object, Keys extends keyof Metadata & string>(
  metadata: Metadata,
  keys: readonly Keys[],
): CamelCasedPick<Metadata, Keys> {
  return Object.fromEntries(keys.map((key) => [camelCase(key), metadata[key]])) as CamelCasedPick<Metadata, Keys>;
}

// Split on every underscore, as `CamelCase` does, so the runtime name is the type's even for `a__b`.
function camelCase(key: string): string {
  return key
    .split('_')
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}
