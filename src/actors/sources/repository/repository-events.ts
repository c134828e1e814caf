import type { IngestionEvent } from '../../../model/ingestion-event.ts';

/** A file of the tree at a commit, as the event ids name it. */
export interface RepositoryFile {
  path: string;
  /** The blob id of the file's content. */
  sha: string;
}

/**
 * The event for a document file added or changed by `commit`. The commit is part of the id: the same content
 * restored by a later commit is a new change, not a duplicate.
 */
export function repositoryUpsertEvent(connector: string, file: RepositoryFile, commit: string, content: string, updatedAt: string, url?: string): IngestionEvent {
  return {
    id: `${connector}:${file.path}@${file.sha}@${commit}`,
    source: connector,
    kind: 'upsert',
    docId: `${connector}:${file.path}`,
    path: file.path,
    ...(url === undefined ? {} : { url }),
    content,
    updatedAt,
  };
}

/** The event for a document file removed (or renamed away) by `commit`. */
export function repositoryDeleteEvent(connector: string, path: string, commit: string, updatedAt: string): IngestionEvent {
  return {
    id: `${connector}:${path}@deleted@${commit}`,
    source: connector,
    kind: 'delete',
    docId: `${connector}:${path}`,
    path,
    updatedAt,
  };
}
