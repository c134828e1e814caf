import type { IngestionEvent } from '../../../model/ingestion-event.ts';
import type { Logger } from '../../log/logger.ts';
import type { DocumentSource, PollRequest, PollResult } from '../document-source.ts';
import { createGithubApi, type GithubApi, GithubClient } from './github-client.ts';
import { type GithubOptions, webUrlOf } from './github-options.ts';
import { type DocumentBlobs, listDocuments } from './list-documents.ts';
import { GITHUB_CURSOR_VERSION, type GithubCursor, type GithubScope, readGithubCursor } from './github-cursor.ts';
import { DocumentStates } from '../document-states.ts';
import { judgeDeletions } from '../judge-deletions.ts';
import { isSameScope } from '../same-scope.ts';
import { isDocumentPath, repositoryDeleteEvent, repositoryUpsertEvent } from '../repository/index.ts';

/** GitHub's compare API lists at most 300 files; an answer that long may be cut short. */
const COMPARE_FILE_CAP = 300;

/**
 * The per-document entry of a document an unfinished poll enqueued an event for (`PollResult.pending`): it may be in
 * the stores, with unknown content. No blob sha equals it, so the next poll rewrites the document or deletes it.
 */
export const UNSETTLED_BLOB = 'unsettled';

/**
 * A GitHub repository folder as a document source. A poll costs one conditional request while the branch is idle
 * (answered 304, free). When the head moved it diffs the last processed commit with the head (compare API), or,
 * when the compare may be cut short or the old commit is gone (force push), diffs the two trees; then fetches the
 * changed blobs at the new commit. Renames become a delete of the old path and an upsert of the new one.
 */
export class GithubSource implements DocumentSource {
  private readonly client: GithubClient;
  private readonly figures = { skipped_too_large: 0, reconciliations: 0 };
  private lastCheck: { last: string | null; guard: string; held: number } = { last: null, guard: 'not run yet', held: 0 };

  constructor(
    private readonly name: string,
    private readonly options: GithubOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.client = new GithubClient(name, options, now);
  }

  async poll({ cursor, webhooks, guard, documents }: PollRequest): Promise<PollResult> {
    const api = createGithubApi(this.client, guard);
    const read = readGithubCursor(cursor);
    const previous = read?.cursor ?? null;
    // Per-document state: path → blob sha of every document held (at `head`, plus any a tripped guard kept).
    const states = new DocumentStates(documents);
    // No cursor means a full backfill, but the state is kept: the marks of a backfill that did not finish and the blobs
    // of one whose cursor write failed (the state is saved first) name documents that may be in the stores, and the
    // backfill deletes those not listed any more.
    for (const [path, sha] of Object.entries(read?.migrated ?? {})) states.set(path, sha);
    const now = this.now();
    const { apiUrl, owner, repo, docsPath, extensions } = this.options;
    // An unset branch keeps following the one resolved before, unless the repository itself changed.
    const sameRepo = isSameScope(previous?.scope && { apiUrl: previous.scope.apiUrl, owner: previous.scope.owner, repo: previous.scope.repo }, { apiUrl, owner, repo });
    const branch = this.options.branch ?? (sameRepo && previous ? previous.branch : await api.defaultBranch());
    const scope: GithubScope = { apiUrl, owner, repo, branch, docsPath, patterns: extensions };
    const inScope = previous !== null && isSameScope(previous.scope, scope);
    const reconcileDue = inScope && now - Date.parse(previous.lastReconcile) >= this.options.reconcileMs;
    const forced = webhooks.some((w) => (w.payload as { forced?: boolean } | null)?.forced === true);
    // A poll that did not finish may have enqueued events for commits past the cursor; only the tree shows what of
    // them to undo, as after a force push. The marks are in the state (see UNSETTLED_BLOB), not in the cursor.
    const unsettled = [...states.ids()].some((path) => states.get(path) === UNSETTLED_BLOB);
    // A due reconcile asks unconditionally: it needs the head's tree even when the branch did not move.
    const head = await api.head(branch, inScope && !forced && !reconcileDue && !unsettled ? previous.etag : null);
    // An idle branch changes nothing, except that an older cursor format is written anew (the migration).
    if (head.notModified) return read?.migrated ? { events: [], nextCursor: read.cursor, documents: states.changes() } : { events: [], nextCursor: cursor };
    const next = (lastReconcile = previous?.lastReconcile ?? new Date(now).toISOString()): PollResult['nextCursor'] =>
      ({ version: GITHUB_CURSOR_VERSION, scope, branch, head: head.sha, etag: head.etag, lastReconcile }) satisfies GithubCursor;
    const held = heldBlobs(states);
    if (!inScope || reconcileDue) {
      // A new or unknown scope is backfilled; a due reconcile lists the tree. Either way, documents held but not listed
      // any more are deleted through the mass-deletion guard.
      if (reconcileDue) this.figures.reconciliations++;
      const listed = await listDocuments(api, this.options, head.treeSha);
      const judgement = judgeDeletions(Object.keys(held), new Set(Object.keys(listed)), this.options.maxDeletionShare);
      this.noteGuard(now, judgement.report, judgement.tripped ? judgement.missing.length : 0);
      if (judgement.tripped) this.logger.warn('github: too many documents missing at once, nothing deleted', { connector: this.name, guard: judgement.report });
      const changed = Object.entries(listed).filter(([path, blob]) => !inScope || held[path] !== blob.sha);
      const events = [
        ...(judgement.tripped ? [] : judgement.missing.map((p) => this.remove(p, head.sha))),
        ...(await this.upserts(changed.map(([path, b]) => ({ path, sha: b.sha, size: b.size })), branch, head.sha, api)),
      ];
      const pending = states.mark(events.map((e) => e.path), UNSETTLED_BLOB);
      if (!judgement.tripped) for (const path of judgement.missing) states.delete(path);
      for (const [path, blob] of Object.entries(listed)) states.set(path, blob.sha);
      return { events, nextCursor: next(new Date(now).toISOString()), documents: states.changes(), pending };
    }
    if (head.sha === previous.head && !forced && !unsettled) return { events: [], nextCursor: next(), documents: states.changes() };
    const diff = forced || unsettled ? null : await this.compare(previous, head.sha, api);
    const changes = diff ?? (await this.reconcile(held, head.treeSha, api));
    const events = [
      ...changes.removed.map((path) => this.remove(path, head.sha)),
      ...(await this.upserts(changes.upserted, branch, head.sha, api)),
    ];
    const pending = states.mark(events.map((e) => e.path), UNSETTLED_BLOB);
    for (const path of changes.removed) states.delete(path);
    for (const file of changes.upserted) states.set(file.path, file.sha);
    return { events, nextCursor: next(), documents: states.changes(), pending };
  }

  isOutage(error: unknown): boolean {
    return this.client.http.isOutage(error);
  }

  health(): Record<string, unknown> {
    const { limit, remaining, resetAt } = this.client.budget;
    return {
      repository: `${this.options.owner}/${this.options.repo}`,
      docs_path: this.options.docsPath,
      authenticated: this.options.token !== '',
      ...(this.options.token ? {} : { note: 'no GITHUB_TOKEN: anonymous limit of 60 requests per hour' }),
      rate_limit: { limit, remaining, reset: resetAt === null ? null : new Date(resetAt).toISOString() },
      requests: this.client.http.requests,
      rate_limited: this.client.http.counters.rate_limited,
      not_modified: this.client.counters.notModified,
      ...this.figures,
      last_reconcile: this.lastCheck.last,
      deletion_guard: this.lastCheck.guard,
      held_missing: this.lastCheck.held,
    };
  }

  private noteGuard(now: number, report: string, held: number): void {
    this.lastCheck = { last: new Date(now).toISOString(), guard: report, held };
  }

  /** The compare API's view of the change, or null when it cannot be trusted (cut short, or the base is gone). */
  private async compare(previous: GithubCursor, head: string, api: GithubApi): Promise<Changes | null> {
    const answer = await api.compare(previous.head, head);
    if (answer.missing || answer.files.length >= COMPARE_FILE_CAP) return null;
    const changes: Changes = { removed: [], upserted: [] };
    for (const file of answer.files) {
      if (file.status === 'renamed' && file.previous_filename && isDocumentPath(this.options, file.previous_filename)) {
        changes.removed.push(file.previous_filename);
      }
      if (!isDocumentPath(this.options, file.filename)) continue;
      if (file.status === 'removed') changes.removed.push(file.filename);
      else if (file.sha && file.status !== 'unchanged') changes.upserted.push({ path: file.filename, sha: file.sha });
    }
    return changes;
  }

  /** Diffs the documents at the head with the ones remembered at the last processed commit. */
  private async reconcile(held: Record<string, string>, treeSha: string, api: GithubApi): Promise<Changes> {
    this.figures.reconciliations++;
    const now: DocumentBlobs = await listDocuments(api, this.options, treeSha);
    return {
      removed: Object.keys(held).filter((path) => !now[path]),
      upserted: Object.entries(now)
        .filter(([path, blob]) => held[path] !== blob.sha)
        .map(([path, blob]) => ({ path, sha: blob.sha, size: blob.size })),
    };
  }

  private async upserts(files: ChangedFile[], branch: string, commit: string, api: GithubApi): Promise<IngestionEvent[]> {
    const events: IngestionEvent[] = [];
    for (const file of files) {
      if (file.size !== undefined && file.size > this.options.maxFileBytes) {
        this.skipTooLarge(file.path, file.size);
        continue;
      }
      const blob = await api.blob(file.sha);
      if (blob.size > this.options.maxFileBytes) {
        this.skipTooLarge(file.path, blob.size);
        continue;
      }
      events.push(repositoryUpsertEvent(this.name, file, commit, blob.content, new Date().toISOString(), webUrlOf(this.options, branch, file.path)));
    }
    return events;
  }

  private remove(path: string, commit: string): IngestionEvent {
    return repositoryDeleteEvent(this.name, path, commit, new Date().toISOString());
  }

  private skipTooLarge(path: string, size: number): void {
    this.figures.skipped_too_large++;
    this.logger.warn('document skipped: larger than metadata.max_file_bytes', { connector: this.name, path, size, max_file_bytes: this.options.maxFileBytes });
  }
}

interface ChangedFile {
  path: string;
  sha: string;
  size?: number;
}

interface Changes {
  removed: string[];
  upserted: ChangedFile[];
}

/** path → blob sha of every document held. */
function heldBlobs(states: DocumentStates): Record<string, string> {
  const held: Record<string, string> = {};
  for (const path of states.ids()) held[path] = states.get(path)!;
  return held;
}
