import { resolve } from 'node:path';
import type { ConnectorConfig } from '../../config/schema.ts';
import type { Logger } from '../log/logger.ts';
import { confluenceOptionsOf } from './confluence/confluence-options.ts';
import { ConfluenceSource } from './confluence/confluence-source.ts';
import type { DocumentSource } from './document-source.ts';
import { GithubSource } from './github/github-source.ts';
import { githubOptionsOf } from './github/github-options.ts';
import { LocalFolderSource } from './local/local-folder-source.ts';
import { NotionSource } from './notion/notion-source.ts';
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
  if (kind === 'github') return new GithubSource(name, githubOptionsOf(name, config), logger);
  if (kind === 'notion') return new NotionSource(name, notionOptionsOf(name, config), logger);
  if (kind === 'confluence') return new ConfluenceSource(name, confluenceOptionsOf(name, config), logger);
  throw new Error(`connectors.${name}: connector kind '${kind}' is not available in this build (available: ${AVAILABLE_KINDS.join(', ')})`);
}
