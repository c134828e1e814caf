export { type RepositoryFile, repositoryDeleteEvent, repositoryUpsertEvent } from './repository-events.ts';
export { isDocumentPath, type RepositoryMetadata, type RepositoryOptions, repositoryOptionsOf } from './repository-options.ts';
