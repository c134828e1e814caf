import type { WebhookMessage } from '../../../machines/connector.machine.ts';
import type { IngestionEvent } from '../../../model/ingestion-event.ts';
import type { DeltaPlan } from '../delta-sync/delta-sync.ts';
import { collectAll } from '../paginate.ts';
import type { NotionApi } from './notion-api.ts';
import type { UnsupportedCounts } from './notion-blocks-to-markdown.ts';
import { pageDocument, pagePath } from './notion-page-document.ts';
import type { NotionPageStates } from './notion-page-states.ts';
import { NotionScope } from './notion-scope.ts';
import { isGone, type NotionPage } from './notion-types.ts';
import { type NotionOptions, normaliseNotionId } from './notion-options.ts';

/** What one poll shares with the source: settings, counters and the clock. */
export interface PollContext {
  name: string;
  options: NotionOptions;
  api: NotionApi;
  unsupported: UnsupportedCounts;
  figures: { unchanged_skipped: number };
  now: () => number;
}

/** What the webhook route hands over for a Notion delivery. */
interface NotionHint {
  type?: string;
  entityId?: string;
  entity?: { id?: string };
}

/**
 * The Notion part of one poll (the delta-sync template does the rest): turns pages into upserts (skipping those
 * whose rendered content hashes as before, so the overlap and repeated webhooks are not re-embedded) and deletes,
 * and updates the hashes and parents of the per-document state.
 */
export class NotionPollRun implements DeltaPlan<NotionPage> {
  readonly events: IngestionEvent[] = [];
  readonly scope: NotionScope;
  /** Pages already handled in this poll (a page can come from search, a data source and a webhook at once). */
  private readonly seen = new Set<string>();

  constructor(
    private readonly ctx: PollContext,
    private readonly pages: NotionPageStates,
  ) {
    this.scope = new NotionScope(ctx.options, ctx.api, pages);
  }

  async listInScope(): Promise<NotionPage[]> {
    return [...(await this.scope.list()).values()];
  }

  /** What search (newest edit first) and the configured data sources report as edited at or after `since`. */
  async changedSince(since: string): Promise<NotionPage[]> {
    const sinceMs = Date.parse(since);
    const edited = await collectAll((c) => this.ctx.api.search(c), (page) => Date.parse(page.last_edited_time) < sinceMs);
    const rows: NotionPage[] = [];
    for (const id of this.ctx.options.dataSourceIds) rows.push(...(await this.scope.rows(id, since)));
    return [...edited.filter((page) => page.object === 'page'), ...rows];
  }

  idOf(page: NotionPage): string {
    return page.id;
  }

  modifiedAt(page: NotionPage): string {
    return page.last_edited_time;
  }

  considerNew(page: NotionPage): Promise<void> {
    return this.consider(page);
  }

  confirm(pageId: string): Promise<void> {
    return this.considerById(pageId);
  }

  held(): string[] {
    return this.pages.held();
  }

  /** Emits what `page` calls for: a delete when trashed or out of scope, an upsert when its content changed. */
  async consider(page: NotionPage): Promise<void> {
    if (this.seen.has(page.id)) return;
    this.seen.add(page.id);
    const known = this.pages.hashOf(page.id);
    if (isGone(page)) return this.remove(page.id, page.last_edited_time);
    if (!(await this.scope.includes(page))) return known ? this.remove(page.id, page.last_edited_time) : undefined;
    const parent = await this.scope.parentDocumentOf(page);
    const parentId = parent === undefined ? undefined : `${this.ctx.name}:${parent}`;
    const doc = await pageDocument(this.ctx.api, page, parentId, this.ctx.unsupported);
    if (known === doc.hash) {
      this.ctx.figures.unchanged_skipped++;
      return;
    }
    this.pages.setHash(page.id, doc.hash);
    this.events.push({
      // Edit times have minute precision, so the hash tells two edits within one minute apart.
      id: `${this.ctx.name}:${page.id}@${page.last_edited_time}#${doc.hash.slice(0, 12)}`,
      source: this.ctx.name,
      kind: 'upsert',
      docId: `${this.ctx.name}:${page.id}`,
      path: pagePath(doc.title, page.id),
      url: page.url,
      title: doc.title || undefined,
      content: doc.markdown,
      ...(parentId !== undefined && { parentId }),
      updatedAt: page.last_edited_time,
    });
  }

  /** A page by id (a webhook hint): fetched even when search has not indexed it yet; gone pages are deleted. */
  async considerById(pageId: string): Promise<void> {
    if (this.seen.has(pageId)) return;
    const page = await this.ctx.api.page(pageId);
    if (page) return this.consider(page);
    this.seen.add(pageId);
    this.remove(pageId);
  }

  /** A webhook delivery: page events fetch their page (deleted only when Notion says it is gone or trashed), data source events re-read its rows, database events those of each of its data sources. */
  async applyHint(message: WebhookMessage): Promise<void> {
    const hint = (message.payload ?? {}) as NotionHint;
    const type = hint.type ?? message.event;
    const id = normaliseNotionId(String(hint.entityId ?? hint.entity?.id ?? ''));
    if (!id) return;
    // Every page event, page.deleted included, is checked with the API before anything is deleted (issue 13: a signed
    // page.deleted for a live page emptied both stores). A failing call fails the poll, which keeps the hint for the next.
    if (type.startsWith('page.')) await this.considerById(id);
    else if (type.startsWith('data_source.')) await this.refreshDataSource(id);
    // Database events name the database, a container of data sources (API 2025-09-03), not a data source.
    else if (type.startsWith('database.')) await this.refreshDatabase(id);
  }

  /** Re-reads a data source's rows: changed rows are upserted, known rows no longer in it are checked and deleted. */
  private async refreshDataSource(dataSourceId: string): Promise<void> {
    const rows = await this.scope.rows(dataSourceId);
    for (const row of rows) await this.consider(row);
    const listed = new Set(rows.map((r) => r.id));
    const formerRows = this.pages.held().filter((id) => this.pages.parentOf(id) === `data_source:${dataSourceId}` && !listed.has(id));
    for (const id of formerRows) await this.considerById(id);
  }

  /** A database event: refreshes each of its data sources; a database that is gone (404) has nothing to refresh. */
  private async refreshDatabase(databaseId: string): Promise<void> {
    const database = await this.ctx.api.database(databaseId);
    for (const source of database?.data_sources ?? []) {
      const id = normaliseNotionId(source.id);
      if (id) await this.refreshDataSource(id);
    }
  }

  /** A delete event for a page (unknown pages have nothing stored to delete, except on a webhook's word). */
  private remove(pageId: string, at?: string): void {
    const when = at ?? new Date(this.ctx.now()).toISOString();
    this.pages.forget(pageId);
    this.seen.add(pageId);
    this.events.push({
      id: `${this.ctx.name}:${pageId}@deleted@${when}`,
      source: this.ctx.name,
      kind: 'delete',
      docId: `${this.ctx.name}:${pageId}`,
      path: pageId.replace(/-/g, ''),
      updatedAt: when,
    });
  }
}
