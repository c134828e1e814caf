import { resolve } from 'node:path';
import type { ConnectorConfig } from '../../config/schema.ts';
import type { Logger } from '../log/logger.ts';
import { confluenceOptionsOf } from './confluence/confluence-options.ts';
import type { DocumentSource } from './document-source.ts';
import { githubOptionsOf } from './github/github-options.ts';
import { lazySource } from './lazy-source.ts';
import { LocalFolderSource } from './local/local-folder-source.ts';
import { notionOptionsOf } from './notion/notion-options.ts';

/** The kinds this build can poll; the others are accepted in inlet.yaml but refused when enabled. */
export const AVAILABLE_KINDS = ['local', 'github', 'notion', 'confluence'] as const;

/** A connector's kind: explicit `kind`, else its name when the name is a kind (`github:` means GitHub). */
export function kindOf(name: string, config: ConnectorConfig): string {
  return config.kind ?? name;
}

/** Builds the source for one connector, or throws naming what is missing. */
export function createSource(name: string, kind: string, config: ConnectorConfig, logger: Logger): DocumentSource {
  if (kind === 'local') {
    const path = config.metadata.path;
    if (typeof path !== 'string' || path === '') throw new Error(`connectors.${name}.metadata.path: the folder to watch is required`);
    const patterns = config.metadata.patterns;
    const extensions = Array.isArray(patterns) ? patterns.map((p) => String(p).toLowerCase()) : ['.md', '.mdx'];
    return new LocalFolderSource({ name, root: resolve(path), extensions });
  }
  // Options are read now, so a bad key fails at start-up; the client modules load at the first poll.
  if (kind === 'github') {
    const options = githubOptionsOf(name, config);
    return lazySource(async () => new (await import('./github/github-source.ts')).GithubSource(name, options, logger));
  }
  if (kind === 'notion') {
    const options = notionOptionsOf(name, config);
    return lazySource(async () => new (await import('./notion/notion-source.ts')).NotionSource(name, options, logger));
  }
  if (kind === 'confluence') {
    const options = confluenceOptionsOf(name, config);
    return lazySource(async () => new (await import('./confluence/confluence-source.ts')).ConfluenceSource(name, options, logger));
  }
  throw new Error(`connectors.${name}: connector kind '${kind}' is not available in this build (available: ${AVAILABLE_KINDS.join(', ')})`);
}
