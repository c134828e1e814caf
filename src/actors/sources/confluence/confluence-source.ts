import type { WebhookMessage } from '../../../machines/connector.machine.ts';
import type { Logger } from '../../log/logger.ts';
import type { DocumentSource, PollRequest, PollResult } from '../document-source.ts';
import { isRateLimitedError, isSourcePermanentError } from '../source-errors.ts';
import { type ConfluenceApi, collectAll, guardedApi } from './confluence-api.ts';
import { ConfluenceClient } from './confluence-client.ts';
import { deltaCql } from './confluence-cql.ts';
import { type ConfluenceCursor, type ConfluenceScopeIdentity, readCursor } from './confluence-cursor.ts';
import { isSameScope } from '../same-scope.ts';
import { judgeDeletions } from '../judge-deletions.ts';
import { isConfluenceHttpError } from './confluence-errors.ts';
import type { ConfluenceOptions } from './confluence-options.ts';
import { type PacerClock, systemClock } from '../pacer-clock.ts';
import { ConfluencePollRun } from './confluence-poll-run.ts';
import type { ConfluencePage } from './confluence-types.ts';

/** What the webhook route hands over for a Confluence delivery. */
export interface ConfluenceHint {
  event: string;
  pageId: string;
  version?: number;
}

/** Test seams: the clock (pacing, cursor) and the fetch the client uses. */
export interface ConfluenceSourceDeps {
  clock?: PacerClock;
  fetch?: typeof fetch;
}

/**
 * Confluence pages (and optionally blog posts) of the configured spaces as a document source. The first poll lists
 * every current page of each space (Cloud: REST v2; Data Center: REST v1). Later polls run a CQL `lastmodified`
 * search from the cursor, a UTC instant, minus the overlap and a time-zone slack (confluence-cql.ts), and skip
 * the re-read pages whose version is already ingested. Webhook hints fetch their page at once, or delete it.
 * Every `deletion_check_hours` each space's ids are listed and known pages gone missing are deleted, unless too
 * many are missing at once.
 */
export class ConfluenceSource implements DocumentSource {
  private readonly client: ConfluenceClient;
  private readonly clock: PacerClock;
  /** Space key → id (Cloud), resolved once per process. */
  private readonly spaceIds = new Map<string, string>();
  private readonly figures = { unchanged_skipped: 0, out_of_scope: 0 };
  private lastDeletionCheck: string | null = null;
  private deletionGuard = 'not run yet';

  constructor(
    private readonly name: string,
    private readonly options: ConfluenceOptions,
    private readonly logger: Logger,
    deps: ConfluenceSourceDeps = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.client = new ConfluenceClient(name, options, this.clock, deps.fetch);
  }

  async poll({ cursor, webhooks, guard }: PollRequest): Promise<PollResult> {
    const now = this.clock.now();
    const previous = readCursor(cursor);
    const { baseUrl, spaces, cql: extraCql, includeBlogposts } = this.options;
    const scope: ConfluenceScopeIdentity = { baseUrl, spaces, cql: extraCql, includeBlogposts };
    const api = guardedApi(this.name, this.client, this.options, guard, this.spaceIds);
    const ctx = { name: this.name, options: this.options, api, figures: this.figures, now: () => this.clock.now() };
    const run = new ConfluencePollRun(ctx, { ...previous?.pages }, { ...previous?.types });
    let newest: number | null = null;
    const visit = (page: ConfluencePage) => {
      const at = page.modifiedAt === undefined ? Number.NaN : Date.parse(page.modifiedAt);
      if (Number.isFinite(at)) newest = Math.max(newest ?? at, at);
      run.consider(page);
    };
    let lastDeletionCheck = previous?.lastDeletionCheck ?? new Date(now).toISOString();
    if (!previous) {
      for (const page of await this.listSpaces(api, false)) visit(page);
      this.noteDeletionCheck(lastDeletionCheck, 'ok');
    } else {
      // A new or unknown scope is listed at once instead of a delta: pages of the old scope not in the new one are
      // deleted through the mass-deletion guard, and pages of the new one not held yet are ingested (issue 11). The
      // delta waits for the next poll (the cursor's `since` stays), so it cannot delete old pages past the guard.
      const scopeChanged = !isSameScope(previous.scope, scope);
      for (const message of webhooks) await this.applyHint(run, message);
      if (!scopeChanged) {
        const cql = deltaCql(this.options, Date.parse(previous.since));
        for (const page of await collectAll((next) => api.search(cql, next))) visit(page);
      }
      if (scopeChanged || now - Date.parse(previous.lastDeletionCheck) >= this.options.deletionCheckMs) {
        await this.deletionCheck(api, run);
        lastDeletionCheck = new Date(now).toISOString();
      }
    }
    // The newest modification seen, never later than our clock (a site clock ahead must not push the cursor past now).
    const floor = previous ? Date.parse(previous.since) : Number.NEGATIVE_INFINITY;
    const sinceMs = previous && !isSameScope(previous.scope, scope) ? floor : Math.max(floor, Math.min(newest ?? now, now));
    const nextCursor: ConfluenceCursor = { version: 1, scope, since: new Date(sinceMs).toISOString(), pages: run.pages, types: run.types, lastDeletionCheck };
    return { events: run.events, nextCursor };
  }

  isOutage(error: unknown): boolean {
    // Rate limits, 401/403 and 404 mean Confluence answered; network errors, timeouts (no status) and 5xx do not.
    if (isRateLimitedError(error) || isSourcePermanentError(error)) return false;
    return isConfluenceHttpError(error) ? error.status >= 500 : true;
  }

  health(): Record<string, unknown> {
    const { baseUrl, flavor, spaces, timeZone } = this.options;
    return {
      site: baseUrl,
      flavor,
      spaces,
      time_zone: timeZone ?? 'unknown (15 h re-read window)',
      authenticated: this.options.token !== '',
      ...(this.options.token ? {} : { note: 'no CONFLUENCE_API_TOKEN / CONFLUENCE_PAT: only anonymous access' }),
      pacing: { ...this.client.pacer.figures },
      rate_limited: this.client.counters.rate_limited,
      unchanged_skipped: this.figures.unchanged_skipped,
      out_of_scope: this.figures.out_of_scope,
      last_deletion_check: this.lastDeletionCheck,
      deletion_guard: this.deletionGuard,
    };
  }

  /** Every current page (and blog post when configured) of the spaces; `bare` without bodies. */
  private async listSpaces(api: ConfluenceApi, bare: boolean): Promise<ConfluencePage[]> {
    const types: ('page' | 'blogpost')[] = this.options.includeBlogposts ? ['page', 'blogpost'] : ['page'];
    const pages: ConfluencePage[] = [];
    for (const space of this.options.spaces) {
      for (const type of types) pages.push(...(await collectAll((next) => api.spaceContent(space, type, bare, next))));
    }
    return pages.filter((p) => p.status === 'current');
  }

  /** A webhook delivery: trashed and removed pages are deleted, any other event fetches its page. */
  private async applyHint(run: ConfluencePollRun, message: WebhookMessage): Promise<void> {
    const hint = (message.payload ?? {}) as Partial<ConfluenceHint>;
    const event = hint.event ?? message.event;
    const id = String(hint.pageId ?? '');
    if (id === '' || run.handled(id)) return;
    const type = event.startsWith('blog') ? 'blogpost' : 'page';
    if (/_(trashed|removed)$/.test(event)) return run.remove(id);
    const moved = event.endsWith('_moved');
    // A redelivery of a version already ingested needs no call (a move may keep the version, so it always fetches).
    if (!moved && hint.version !== undefined && run.pages[id]?.startsWith(`${hint.version}/`)) return;
    await run.considerById(id, type, moved);
  }

  /** Lists each space's ids: unknown ones are fetched, known ones gone missing are confirmed one by one and deleted. */
  private async deletionCheck(api: ConfluenceApi, run: ConfluencePollRun): Promise<void> {
    const listed = await this.listSpaces(api, true);
    const ids = new Set(listed.map((p) => p.id));
    const judgement = judgeDeletions(Object.keys(run.pages), ids, this.options.maxDeletionShare);
    for (const page of listed) if (run.pages[page.id] === undefined) await run.considerById(page.id, page.type);
    if (judgement.tripped) {
      this.logger.warn('confluence deletion check: too many pages missing at once, nothing deleted', { connector: this.name, guard: judgement.report });
    } else {
      // A listing can lag a restore, so a missing page is deleted only once fetching it says it is gone or trashed.
      for (const id of judgement.missing) await run.considerById(id, run.types[id] ?? 'page');
    }
    this.noteDeletionCheck(new Date(this.clock.now()).toISOString(), judgement.report);
  }

  private noteDeletionCheck(at: string, report: string): void {
    this.lastDeletionCheck = at;
    this.deletionGuard = report;
  }
}
