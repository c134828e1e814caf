import { CONNECTOR_KINDS, type ConnectorConfig, type ConnectorKind, isConnectorKind } from '../../config/schema.ts';
import type { Logger } from '../log/logger.ts';
import { confluenceOptionsOf } from './confluence/confluence-options.ts';
import type { DocumentSource } from './document-source.ts';
import { gitOptionsOf } from './git/git-options.ts';
import { githubOptionsOf } from './github/github-options.ts';
import { lazySource } from './lazy-source.ts';
import { LocalFolderSource } from './local/local-folder-source.ts';
import { localFolderOptionsOf } from './local/local-options.ts';
import { notionOptionsOf } from './notion/notion-options.ts';

/** Builds the source of one connector of a given kind. */
type SourceFactory = (name: string, config: ConnectorConfig, logger: Logger) => DocumentSource;

/**
 * A kind whose options are read now, so a bad key fails at registration, and whose module (with its API client:
 * octokit, the Notion SDK) loads at the first poll (lazy-source.ts).
 */
function lazyKind<Options>(
  optionsOf: (name: string, config: ConnectorConfig) => Options,
  load: (name: string, options: Options, logger: Logger) => Promise<DocumentSource>,
): SourceFactory {
  return (name, config, logger) => {
    const options = optionsOf(name, config);
    return lazySource(() => load(name, options, logger));
  };
}

/** The source of each connector kind. */
const SOURCE_FACTORIES: Record<ConnectorKind, SourceFactory> = {
  local: (name, config) => new LocalFolderSource(localFolderOptionsOf(name, config)),
  github: lazyKind(githubOptionsOf, async (name, options, logger) => new (await import('./github/github-source.ts')).GithubSource(name, options, logger)),
  notion: lazyKind(notionOptionsOf, async (name, options, logger) => new (await import('./notion/notion-source.ts')).NotionSource(name, options, logger)),
  confluence: lazyKind(
    confluenceOptionsOf,
    async (name, options, logger) => new (await import('./confluence/confluence-source.ts')).ConfluenceSource(name, options, logger),
  ),
  git: lazyKind(gitOptionsOf, async (name, options, logger) => new (await import('./git/git-source.ts')).GitSource(name, options, logger)),
};

/**
 * Builds the source for one connector. The typed options come from the kind's metadata schema, which a loaded config
 * has already passed; a section built in code gets the same checks here (a `ConfigError` naming the key).
 */
export function createSource(name: string, kind: string, config: ConnectorConfig, logger: Logger): DocumentSource {
  if (!isConnectorKind(kind)) throw new Error(`connectors.${name}: unknown connector kind '${kind}' (one of ${CONNECTOR_KINDS.join(', ')})`);
  return SOURCE_FACTORIES[kind](name, config, logger);
}
