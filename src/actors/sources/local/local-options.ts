import { resolve } from 'node:path';
import { parseMetadata } from '../../../config/parse-metadata.ts';
import type { ConnectorConfig } from '../../../config/schema.ts';
import { DEFAULT_MAX_DEBOUNCE_MS, DEFAULT_MAX_DELETION_SHARE, DEFAULT_RECONCILE_MS, type LocalFolderOptions } from './local-folder-source.ts';
import { localMetadataSchema } from './local-metadata.ts';

/** A local connector's settings from `connectors.<name>.metadata`; throws a `ConfigError` naming a bad key. */
export function localFolderOptionsOf(name: string, config: ConnectorConfig): LocalFolderOptions {
  const m = parseMetadata(localMetadataSchema, name, config.metadata);
  return {
    name,
    root: resolve(m.path),
    extensions: m.patterns,
    maxDebounceMs: m.max_debounce_seconds === undefined ? DEFAULT_MAX_DEBOUNCE_MS : m.max_debounce_seconds * 1000,
    reconcileMs: m.reconcile_hours === undefined ? DEFAULT_RECONCILE_MS : m.reconcile_hours * 3_600_000,
    maxDeletionShare: m.max_deletion_share ?? DEFAULT_MAX_DELETION_SHARE,
  };
}
