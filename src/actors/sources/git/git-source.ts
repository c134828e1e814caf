import type { IngestionEvent } from '../../../model/ingestion-event.ts';
import type { Logger } from '../../log/logger.ts';
import type { DocumentSource, PollRequest, PollResult } from '../document-source.ts';
import { judgeDeletions } from '../judge-deletions.ts';
import { isSameScope } from '../same-scope.ts';
import { isGitCommandError } from './git-command-error.ts';
import { type GitCursor, type GitScope, readGitCursor } from './git-cursor.ts';
import type { GitOptions } from './git-options.ts';
import { isDocumentPath, repositoryDeleteEvent, repositoryUpsertEvent } from '../repository/index.ts';
import { GitRepository, type TreeBlob } from './git-repository.ts';

/** What a poll changes in the per-document state: path → blob id set, paths deleted. */
type DocumentStateChanges = NonNullable<PollResult['documents']>;

/** What a poll found changed: paths to delete, and files to read and upsert. */
interface Changes {
  removed: string[];
  upserted: Array<{ path: string; sha: string; size?: number }>;
}

/**
 * A folder of any Git repository as a document source, through the `git` binary and no API. A poll fetches the tip of
 * the branch (shallow, one branch); when it moved, diffs the last processed commit with it (renames are a delete of
 * the old path and an upsert of the new), or, when the clone no longer holds that commit (a force push, a lost clone
 * folder), diffs the tree with the documents held. A periodic reconcile lists the tree against them, with the
 * mass-deletion guard.
 */
export class GitSource implements DocumentSource {
  private readonly repository: GitRepository;
  private readonly figures = { fetches: 0, skipped_too_large: 0, reconciliations: 0 };
  private lastCheck: { last: string | null; guard: string; head: string | null } = { last: null, guard: 'not run yet', head: null };

  constructor(
    private readonly name: string,
    private readonly options: GitOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.repository = new GitRepository(options.cloneDir, options.url, options.timeoutMs);
  }

  async poll({ cursor, documents: held = new Map(), guard, signal }: PollRequest): Promise<PollResult> {
    const previous = readGitCursor(cursor);
    const now = this.now();
    const { url, docsPath, extensions } = this.options;
    // An unset branch keeps following the one resolved before, unless the remote itself changed.
    const sameRemote = previous !== null && previous.scope.url === url;
    const branch = this.options.branch ?? (sameRemote ? previous.scope.branch : await guard((s) => this.repository.defaultBranch(s ?? signal)));
    const scope: GitScope = { url, branch, docsPath, patterns: extensions };
    const head = await guard((s) => this.repository.fetch(branch, s ?? signal));
    this.figures.fetches++;
    this.lastCheck.head = head;
    const inScope = previous !== null && isSameScope(previous.scope, scope);
    const reconcileDue = inScope && now - Date.parse(previous.lastReconcile) >= this.options.reconcileMs;

    if (!inScope || reconcileDue) {
      // A new or unknown scope is backfilled, a due reconcile lists the tree; either way, documents held but not listed
      // any more are deleted through the mass-deletion guard (and stay held when it trips).
      if (reconcileDue) this.figures.reconciliations++;
      const listed = await this.documentsAt(head, signal);
      const judgement = judgeDeletions([...held.keys()], new Set(listed.keys()), this.options.maxDeletionShare);
      this.lastCheck = { last: new Date(now).toISOString(), guard: judgement.report, head };
      if (judgement.tripped) this.logger.warn('git: too many documents missing at once, nothing deleted', { connector: this.name, guard: judgement.report });
      const changes: Changes = {
        removed: judgement.tripped ? [] : judgement.missing,
        upserted: [...listed].filter(([path, blob]) => !inScope || held.get(path) !== blob.sha).map(([path, blob]) => ({ path, ...blob })),
      };
      return this.resultOf(changes, held, { version: 1, scope, head, lastReconcile: new Date(now).toISOString() }, signal);
    }
    if (head === previous.head) return { events: [], nextCursor: cursor };

    const changes = (await this.repository.hasCommit(previous.head, signal)) ? await this.diff(previous.head, head, signal) : await this.treeDiff(held, head, signal);
    return this.resultOf(changes, held, { ...previous, head }, signal);
  }

  isOutage(error: unknown): boolean {
    // A remote that refused (no such repository or branch, no access) answered; a timeout or a network failure did not.
    return !isGitCommandError(error) || error.retryable;
  }

  health(): Record<string, unknown> {
    return {
      remote: redactedUrl(this.options.url),
      branch: this.options.branch ?? '(remote default)',
      docs_path: this.options.docsPath,
      head: this.lastCheck.head,
      ...this.figures,
      last_reconcile: this.lastCheck.last,
      deletion_guard: this.lastCheck.guard,
    };
  }

  /** The documents of the tree at `commit`. */
  private async documentsAt(commit: string, signal: AbortSignal): Promise<Map<string, TreeBlob>> {
    const files = await this.repository.listTree(commit, this.options.docsPath, signal);
    return new Map([...files].filter(([path]) => isDocumentPath(this.options, path)));
  }

  /** The documents changed between two commits the clone holds. */
  private async diff(from: string, to: string, signal: AbortSignal): Promise<Changes> {
    const changed = await this.repository.diff(from, to, this.options.docsPath, signal);
    const removed = changed.flatMap((c) => (c.status === 'deleted' ? [c.path] : c.status === 'renamed' ? [c.from] : []));
    const upsertPaths = new Set(changed.filter((c) => c.status !== 'deleted').map((c) => c.path));
    // The blob ids come from the new tree: one listing instead of one call per file.
    const tree = upsertPaths.size === 0 ? new Map<string, TreeBlob>() : await this.documentsAt(to, signal);
    return {
      removed: removed.filter((path) => isDocumentPath(this.options, path)),
      upserted: [...upsertPaths].flatMap((path) => {
        const blob = tree.get(path);
        return blob ? [{ path, ...blob }] : [];
      }),
    };
  }

  /** The documents at `head` against those held, when the last processed commit is gone from the clone. */
  private async treeDiff(held: ReadonlyMap<string, string>, head: string, signal: AbortSignal): Promise<Changes> {
    this.figures.reconciliations++;
    const listed = await this.documentsAt(head, signal);
    return {
      removed: [...held.keys()].filter((path) => !listed.has(path)),
      upserted: [...listed].filter(([path, blob]) => held.get(path) !== blob.sha).map(([path, blob]) => ({ path, ...blob })),
    };
  }

  /** The events of `changes`, the cursor, and the per-document entries (path → blob id) they change. */
  private async resultOf(changes: Changes, held: ReadonlyMap<string, string>, nextCursor: GitCursor, signal: AbortSignal): Promise<PollResult> {
    const documents: DocumentStateChanges = { set: {}, delete: changes.removed.filter((path) => held.has(path)) };
    // A file skipped as too large is recorded too, so it is not read again until it changes.
    for (const file of changes.upserted) if (held.get(file.path) !== file.sha) documents.set[file.path] = file.sha;
    return { events: await this.eventsOf(changes, nextCursor.head, signal), nextCursor, documents };
  }

  private async eventsOf(changes: Changes, commit: string, signal: AbortSignal): Promise<IngestionEvent[]> {
    const updatedAt = new Date(this.now()).toISOString();
    const events = changes.removed.map((path) => repositoryDeleteEvent(this.name, path, commit, updatedAt));
    const wanted = changes.upserted.filter((file) => {
      if (file.size === undefined || file.size <= this.options.maxFileBytes) return true;
      this.figures.skipped_too_large++;
      this.logger.warn('document skipped: larger than metadata.max_file_bytes', { connector: this.name, path: file.path, size: file.size });
      return false;
    });
    // In slices, so one command's output stays well under runGit's 64 MB output cap.
    for (const slice of slicesOf(wanted, 32 * 1024 * 1024)) {
      const contents = await this.repository.readBlobs([...new Set(slice.map((f) => f.sha))], signal);
      for (const file of slice) {
        const content = contents.get(file.sha);
        if (content === undefined) throw new Error(`git: blob ${file.sha} of ${file.path} is missing from the clone at ${this.options.cloneDir}`);
        events.push(repositoryUpsertEvent(this.name, file, commit, content.toString('utf8'), updatedAt));
      }
    }
    return events;
  }
}

/** Consecutive slices of `files` whose sizes add up to at most `budget` bytes (a larger file gets a slice of its own). */
function slicesOf<T extends { size?: number }>(files: T[], budget: number): T[][] {
  const slices: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && bytes + (file.size ?? 0) > budget) {
      slices.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size ?? 0;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}

/** The remote as health shows it: without a password or token in its user part. */
function redactedUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}
