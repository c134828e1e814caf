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

/** A piece of a kind's options made from its validated metadata: a group kinds share (HTTP, delta sync, repository) or its own computed fields. */
export type OptionsPart<Metadata> = (metadata: Metadata, connector: ConnectorIdentity) => object;

/** How a kind's options are made from its validated metadata. */
export interface OptionsRecipe<Metadata, Keys extends keyof Metadata & string, Parts extends readonly OptionsPart<Metadata>[]> {
  /** The keys taken as they are, under their camelCase names (`CamelCasedPick`). */
  asGiven: readonly Keys[];
  /** The rest, merged in this order after the keys taken as given: shared groups first, then what only this kind computes. */
  parts: Parts;
}

/** The intersection of what a tuple of parts returns. */
type Joined<Parts> = Parts extends readonly [infer First extends (...args: never[]) => object, ...infer Rest] ? ReturnType<First> & Joined<Rest> : unknown;

/**
 * A kind's options reader: the section's `metadata` checked by the kind's schema (a `ConfigError` naming a bad key;
 * a loaded config has passed it already), then turned into the kind's typed options by `recipe`.
 */
export function createOptionsOf<
  Schema extends z.ZodType,
  Keys extends keyof z.output<Schema> & string,
  const Parts extends readonly OptionsPart<z.output<Schema>>[],
>(schema: Schema, recipe: OptionsRecipe<z.output<Schema>, Keys, Parts>): (name: string, config: ConnectorConfig) => CamelCasedPick<z.output<Schema>, Keys> & Joined<Parts> {
  return (name, config) => {
    const metadata = parseMetadata(schema, name, config.metadata);
    const connector = { name, token: config.token };
    return Object.assign(camelCasedPick(metadata, recipe.asGiven), ...recipe.parts.map((part) => part(metadata, connector)));
  };
}

/** A snake_case metadata key as the camelCase option name: `api_url` → `apiUrl`. */
export type CamelCase<Key extends string> = Key extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : Key;

/**
 * The keys `Keys` of a kind's validated metadata under their camelCase names, with their types: the options a kind takes
 * as they are. Each is documented once, on its key in the kind's metadata schema; editors do not carry that doc over to
 * the renamed key (microsoft/TypeScript#50715), so a kind lists the keys by their snake_case names, which lead there.
 */
export type CamelCasedPick<Metadata, Keys extends keyof Metadata & string> = { [Key in Keys as CamelCase<Key>]: Metadata[Key] };

/** The values of `keys` in a kind's validated metadata, under their camelCase names (`CamelCasedPick`). */
export function camelCasedPick<Metadata, Keys extends keyof Metadata & string>(
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
