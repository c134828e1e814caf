import { CONNECTOR_KINDS, type ConnectorConfig } from '../../config/schema.ts';
import type { Logger } from '../log/logger.ts';
import { confluenceOptionsOf } from './confluence/confluence-options.ts';
import type { DocumentSource } from './document-source.ts';
import { gitOptionsOf } from './git/git-options.ts';
import { githubOptionsOf } from './github/github-options.ts';
import { lazySource } from './lazy-source.ts';
import { LocalFolderSource } from './local/local-folder-source.ts';
import { localFolderOptionsOf } from './local/local-options.ts';
import { notionOptionsOf } from './notion/notion-options.ts';

/**
 * Builds the source for one connector. The typed options come from the kind's metadata schema, which a loaded config
 * has already passed; a section built in code gets the same checks here (a `ConfigError` naming the key).
 */
export function createSource(name: string, kind: string, config: ConnectorConfig, logger: Logger): DocumentSource {
  if (kind === 'local') return new LocalFolderSource(localFolderOptionsOf(name, config));
  // Options are read now, so a bad key fails at registration; the client modules load at the first poll.
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
  if (kind === 'git') {
    const options = gitOptionsOf(name, config);
    return lazySource(async () => new (await import('./git/git-source.ts')).GitSource(name, options, logger));
  }
  throw new Error(`connectors.${name}: unknown connector kind '${kind}' (one of ${CONNECTOR_KINDS.join(', ')})`);
}
