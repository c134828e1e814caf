import type { WebhookMessage } from '../../../machines/connector.machine.ts';
import type { IngestionEvent } from '../../../model/ingestion-event.ts';
import type { DeltaPlan } from '../delta-sync/delta-sync.ts';
import { pageSlug } from '../page-slug.ts';
import { collectAll } from '../paginate.ts';
import type { ConfluenceApi } from './confluence-api.ts';
import { deltaCql } from './confluence-cql.ts';
import type { ConfluenceOptions } from './confluence-options.ts';
import type { ConfluencePageStates, ContentType } from './confluence-page-states.ts';
import { storageToMarkdown } from './confluence-storage-to-markdown.ts';
import { type ConfluencePage, isGone } from './confluence-types.ts';

/** What one poll shares with the source: settings, counters and the clock. */
export interface PollContext {
  name: string;
  options: ConfluenceOptions;
  api: ConfluenceApi;
  figures: { unchanged_skipped: number; out_of_scope: number };
  now: () => number;
}

/** What the webhook route hands over for a Confluence delivery. */
export interface ConfluenceHint {
  event: string;
  pageId: string;
  version?: number;
}

/**
 * The Confluence part of one poll (the delta-sync template does the rest): lists the spaces (Cloud: REST v2; Data
 * Center: REST v1) or runs the CQL `lastmodified` delta (confluence-cql.ts), and turns pages into upserts and
 * deletes, skipping pages whose (version, parent) is the one already ingested, so the re-read window of the delta
 * query and repeated webhooks cost no re-embedding.
 */
export class ConfluencePollRun implements DeltaPlan<ConfluencePage> {
  readonly events: IngestionEvent[] = [];
  /** Pages already handled in this poll (a page can come from search and a webhook at once). */
  private readonly seen = new Set<string>();

  constructor(
    private readonly ctx: PollContext,
    private readonly pages: ConfluencePageStates,
  ) {}

  /** Every current page (and blog post when configured) of the spaces; `bare` without bodies. */
  async listInScope(bare: boolean): Promise<ConfluencePage[]> {
    const types: ContentType[] = this.ctx.options.includeBlogposts ? ['page', 'blogpost'] : ['page'];
    const pages: ConfluencePage[] = [];
    for (const space of this.ctx.options.spaces) {
      for (const type of types) pages.push(...(await collectAll((next) => this.ctx.api.spaceContent(space, type, bare, next))));
    }
    return pages.filter((p) => p.status === 'current');
  }

  changedSince(since: string): Promise<ConfluencePage[]> {
    const cql = deltaCql(this.ctx.options, Date.parse(since));
    return collectAll((next) => this.ctx.api.search(cql, next));
  }

  idOf(page: ConfluencePage): string {
    return page.id;
  }

  modifiedAt(page: ConfluencePage): string | undefined {
    return page.modifiedAt;
  }

  considerNew(page: ConfluencePage): Promise<void> {
    return this.considerById(page.id, page.type);
  }

  // A listing can lag a restore, so a missing page is deleted only once fetching it says it is gone or trashed.
  confirm(id: string): Promise<void> {
    return this.considerById(id, this.pages.typeOf(id) ?? 'page');
  }

  held(): string[] {
    return this.pages.held();
  }

  /** Emits what `page` calls for: a delete when gone or out of the spaces, an upsert when new, edited or moved. */
  async consider(page: ConfluencePage, force = false): Promise<void> {
    if (this.seen.has(page.id)) return;
    this.seen.add(page.id);
    const known = this.pages.keyOf(page.id) !== undefined;
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
    if (this.pages.keyOf(page.id) === key && !force) {
      this.ctx.figures.unchanged_skipped++;
      return;
    }
    this.pages.set(page.id, page.type, key);
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
  async considerById(id: string, type: ContentType, force = false): Promise<void> {
    if (this.seen.has(id)) return;
    const page = await this.ctx.api.content(id, this.pages.typeOf(id) ?? type);
    if (page) return this.consider(page, force);
    this.remove(id);
  }

  /** A webhook delivery: every event fetches its page; trashed and removed ones are deleted once the fetch confirms it. */
  async applyHint(message: WebhookMessage): Promise<void> {
    const hint = (message.payload ?? {}) as Partial<ConfluenceHint>;
    const event = hint.event ?? message.event;
    const id = String(hint.pageId ?? '');
    if (id === '' || this.seen.has(id)) return;
    const type = event.startsWith('blog') ? 'blogpost' : 'page';
    // A trash or remove hint is confirmed by fetching the page, as every other event is (issue 13: a delete hint is never
    // trusted blindly). A failing call fails the poll, which keeps the hint for the next one.
    if (/_(trashed|removed)$/.test(event)) return this.considerById(id, type);
    const moved = event.endsWith('_moved');
    // A redelivery of a version already ingested needs no call (a move may keep the version, so it always fetches).
    if (!moved && hint.version !== undefined && this.pages.keyOf(id)?.startsWith(`${hint.version}/`)) return;
    await this.considerById(id, type, moved);
  }

  /** A delete event (trashed, purged, or gone from the spaces). */
  private remove(id: string, at?: string): void {
    const when = at ?? new Date(this.ctx.now()).toISOString();
    this.pages.forget(id);
    this.seen.add(id);
    this.events.push({ id: `${this.ctx.name}:${id}@deleted@${when}`, source: this.ctx.name, kind: 'delete', docId: `${this.ctx.name}:${id}`, path: id, updatedAt: when });
  }
}
