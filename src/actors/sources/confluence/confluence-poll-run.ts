import type { IngestionEvent } from '../../../model/ingestion-event.ts';
import type { ConfluenceApi } from './confluence-api.ts';
import type { ConfluenceOptions } from './confluence-options.ts';
import { storageToMarkdown } from './confluence-storage-to-markdown.ts';
import { type ConfluencePage, isGone } from './confluence-types.ts';
import { pageSlug } from '../page-slug.ts';

/** What one poll shares with the source: settings, counters and the clock. */
export interface PollContext {
  name: string;
  options: ConfluenceOptions;
  api: ConfluenceApi;
  figures: { unchanged_skipped: number; out_of_scope: number };
  now: () => number;
}

/**
 * The work of one poll: turns pages into upserts and deletes, skipping pages whose (version, parent) is the one
 * already ingested, so the re-read window of the delta query and repeated webhooks cost no re-embedding.
 */
export class ConfluencePollRun {
  readonly events: IngestionEvent[] = [];
  /** Pages already handled in this poll (a page can come from search and a webhook at once). */
  private readonly seen = new Set<string>();

  constructor(
    private readonly ctx: PollContext,
    /** pageId → `<version>/<parentId>` of every ingested page; updated in place. */
    readonly pages: Record<string, string>,
    /** pageId → content type; updated in place. */
    readonly types: Record<string, 'page' | 'blogpost'>,
  ) {}

  /** Emits what `page` calls for: a delete when gone or out of the spaces, an upsert when new, edited or moved. */
  consider(page: ConfluencePage, force = false): void {
    if (this.seen.has(page.id)) return;
    this.seen.add(page.id);
    const known = this.pages[page.id] !== undefined;
    if (isGone(page)) {
      if (known || force) this.remove(page.id, page.modifiedAt);
      return;
    }
    // An empty key is a v2 page of a space that is not configured (its id did not resolve from metadata.spaces); a
    // blog post is out of scope too while include_blogposts is off (a hint, or a scope changed back).
    if (!this.ctx.options.spaces.includes(page.spaceKey) || (page.type === 'blogpost' && !this.ctx.options.includeBlogposts)) {
      this.ctx.figures.out_of_scope++;
      if (known) this.remove(page.id, page.modifiedAt);
      return;
    }
    if (page.storage === undefined) return;
    const key = `${page.version}/${page.parentId ?? ''}`;
    if (this.pages[page.id] === key && !force) {
      this.ctx.figures.unchanged_skipped++;
      return;
    }
    this.pages[page.id] = key;
    this.types[page.id] = page.type;
    const parentId = page.parentId === undefined ? undefined : `${this.ctx.name}:${page.parentId}`;
    const body = storageToMarkdown(page.storage);
    this.events.push({
      id: `${this.ctx.name}:${page.id}@v${key}`,
      source: this.ctx.name,
      kind: 'upsert',
      docId: `${this.ctx.name}:${page.id}`,
      path: `${page.spaceKey}/${pageSlug(page.title, page.id)}`,
      ...(page.webUrl !== undefined && { url: page.webUrl }),
      title: page.title || undefined,
      metadata: { space: page.spaceKey, version: page.version, content_type: page.type },
      content: `${[page.title ? `# ${page.title}` : '', body].filter((s) => s !== '').join('\n\n')}\n`,
      ...(parentId !== undefined && { parentId }),
      updatedAt: page.modifiedAt ?? new Date(this.ctx.now()).toISOString(),
    });
  }

  /** A page by id (a webhook hint or a deletion check): fetched; gone for good means deleted. */
  async considerById(id: string, type: 'page' | 'blogpost', force = false): Promise<void> {
    if (this.seen.has(id)) return;
    const page = await this.ctx.api.content(id, this.types[id] ?? type);
    if (page) return this.consider(page, force);
    this.remove(id);
  }

  /** A delete event (trashed, purged, or gone from the spaces). */
  remove(id: string, at?: string): void {
    const when = at ?? new Date(this.ctx.now()).toISOString();
    delete this.pages[id];
    delete this.types[id];
    this.seen.add(id);
    this.events.push({ id: `${this.ctx.name}:${id}@deleted@${when}`, source: this.ctx.name, kind: 'delete', docId: `${this.ctx.name}:${id}`, path: id, updatedAt: when });
  }

  /** True when `id` was handled in this poll already. */
  handled(id: string): boolean {
    return this.seen.has(id);
  }
}
