import type { IngestionEvent } from '../../../model/ingestion-event.ts';
import type { NotionApi } from './notion-api.ts';
import type { UnsupportedCounts } from './notion-blocks-to-markdown.ts';
import type { NotionCursor } from './notion-cursor.ts';
import { pageDocument, pagePath } from './notion-page-document.ts';
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

/**
 * The work of one poll: turns pages into upserts (skipping those whose rendered content hashes as before, so the
 * overlap and repeated webhooks are not re-embedded) and deletes, and updates the hashes and parents it carries.
 */
export class NotionPollRun {
  readonly events: IngestionEvent[] = [];
  readonly scope: NotionScope;
  /** Pages already handled in this poll (a page can come from search, a data source and a webhook at once). */
  private readonly seen = new Set<string>();

  constructor(
    private readonly ctx: PollContext,
    readonly hashes: Record<string, string>,
    parents: NotionCursor['parents'],
  ) {
    this.scope = new NotionScope(ctx.options, ctx.api, parents);
  }

  /** Emits what `page` calls for: a delete when trashed or out of scope, an upsert when its content changed. */
  async consider(page: NotionPage): Promise<void> {
    if (this.seen.has(page.id)) return;
    this.seen.add(page.id);
    if (isGone(page)) return this.remove(page.id, page.last_edited_time);
    if (!(await this.scope.includes(page))) return this.hashes[page.id] ? this.remove(page.id, page.last_edited_time) : undefined;
    const parent = await this.scope.parentDocumentOf(page);
    const parentId = parent === undefined ? undefined : `${this.ctx.name}:${parent}`;
    const doc = await pageDocument(this.ctx.api, page, parentId, this.ctx.unsupported);
    if (this.hashes[page.id] === doc.hash) {
      this.ctx.figures.unchanged_skipped++;
      return;
    }
    this.hashes[page.id] = doc.hash;
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

  /** Re-reads a data source's rows: changed rows are upserted, known rows no longer in it are checked and deleted. */
  async refreshDataSource(dataSourceId: string): Promise<void> {
    const rows = await this.scope.rows(dataSourceId);
    for (const row of rows) await this.consider(row);
    const listed = new Set(rows.map((r) => r.id));
    const formerRows = Object.keys(this.hashes).filter((id) => this.scope.parents[id] === `data_source:${dataSourceId}` && !listed.has(id));
    for (const id of formerRows) await this.considerById(id);
  }

  /** A database event: refreshes each of its data sources; a database that is gone (404) has nothing to refresh. */
  async refreshDatabase(databaseId: string): Promise<void> {
    const database = await this.ctx.api.database(databaseId);
    for (const source of database?.data_sources ?? []) {
      const id = normaliseNotionId(source.id);
      if (id) await this.refreshDataSource(id);
    }
  }

  /** A delete event for a known page (unknown pages have nothing stored to delete, except on a webhook's word). */
  remove(pageId: string, at?: string): void {
    const when = at ?? new Date(this.ctx.now()).toISOString();
    delete this.hashes[pageId];
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
