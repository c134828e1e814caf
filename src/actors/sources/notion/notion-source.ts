import type { WebhookMessage } from '../../../machines/connector.machine.ts';
import type { Logger } from '../../log/logger.ts';
import type { DocumentSource, PollRequest, PollResult } from '../document-source.ts';
import { isRateLimitedError, isSourcePermanentError } from '../source-errors.ts';
import { collectAll, guardedApi } from './notion-api.ts';
import type { UnsupportedCounts } from './notion-blocks-to-markdown.ts';
import { NotionClient } from './notion-client.ts';
import { type NotionCursor, type NotionScopeIdentity, readCursor } from './notion-cursor.ts';
import { isSameScope } from '../same-scope.ts';
import { judgeDeletions } from '../judge-deletions.ts';
import { type NotionOptions, normaliseNotionId } from './notion-options.ts';
import { type PacerClock, systemClock } from '../pacer-clock.ts';
import { NotionPollRun } from './notion-poll-run.ts';
import type { NotionPage } from './notion-types.ts';

/** What the webhook route hands over for a Notion delivery. */
interface NotionHint {
  type?: string;
  entityId?: string;
  entity?: { id?: string };
}

/** Test seams: the clock the pacer and the cursor use, and the fetch the SDK uses. */
export interface NotionSourceDeps {
  clock?: PacerClock;
  fetch?: typeof fetch;
}

/**
 * Notion pages as a document source. The first poll lists every page in scope; later polls read what search
 * (sorted by last edit, newest first) and the configured data sources report as edited since the cursor, which
 * trails the newest edit seen by `overlap_minutes` because edit times have minute precision and search lags.
 * Webhook hints fetch their page at once. Every `deletion_check_hours` the pages in scope are listed again, and
 * known pages that vanished without an event are deleted, unless too many vanished at once.
 */
export class NotionSource implements DocumentSource {
  private readonly client: NotionClient;
  private readonly clock: PacerClock;
  private readonly unsupported: UnsupportedCounts = {};
  private readonly figures = { unchanged_skipped: 0 };
  private lastDeletionCheck: string | null = null;
  private deletionGuard = 'not run yet';

  constructor(
    private readonly name: string,
    private readonly options: NotionOptions,
    private readonly logger: Logger,
    deps: NotionSourceDeps = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.client = new NotionClient(name, options, this.clock, deps.fetch);
  }

  async poll({ cursor, webhooks, guard }: PollRequest): Promise<PollResult> {
    const now = this.clock.now();
    const previous = readCursor(cursor);
    const { apiUrl, rootPageIds, dataSourceIds } = this.options;
    const scope: NotionScopeIdentity = { apiUrl, rootPageIds, dataSourceIds };
    const api = guardedApi(this.client, guard);
    const ctx = { name: this.name, options: this.options, api, unsupported: this.unsupported, figures: this.figures, now: () => this.clock.now() };
    const run = new NotionPollRun(ctx, { ...previous?.hashes }, { ...previous?.parents });
    let newest: number | null = null;
    const visit = async (page: NotionPage) => {
      newest = Math.max(newest ?? 0, Date.parse(page.last_edited_time));
      await run.consider(page);
    };
    let lastDeletionCheck = previous?.lastDeletionCheck ?? new Date(now).toISOString();
    if (!previous) {
      for (const page of (await run.scope.list()).values()) await visit(page);
      this.noteDeletionCheck(lastDeletionCheck, 'ok');
    } else {
      // A new or unknown scope is listed at once instead of a delta: pages of the old scope not in the new one are
      // deleted through the mass-deletion guard, and pages of the new one not held yet are ingested (issue 11). The
      // delta waits for the next poll (the cursor's `since` stays), since it would delete every recently edited page
      // of the old scope one by one, past the guard.
      const scopeChanged = !isSameScope(previous.scope, scope);
      for (const message of webhooks) await this.applyHint(run, message);
      if (!scopeChanged) {
        const since = Date.parse(previous.since);
        const edited = await collectAll((c) => api.search(c), (page) => Date.parse(page.last_edited_time) < since);
        for (const page of edited) if (page.object === 'page') await visit(page);
        for (const id of this.options.dataSourceIds) for (const row of await run.scope.rows(id, previous.since)) await visit(row);
      }
      if (scopeChanged || now - Date.parse(previous.lastDeletionCheck) >= this.options.deletionCheckMs) {
        await this.deletionCheck(run);
        lastDeletionCheck = new Date(now).toISOString();
      }
    }
    const floor = previous ? Date.parse(previous.since) : Number.NEGATIVE_INFINITY;
    const sinceMs = previous && !isSameScope(previous.scope, scope) ? floor : Math.max(floor, Math.min(newest ?? now, now) - this.options.overlapMs);
    const nextCursor: NotionCursor = { version: 1, scope, since: new Date(sinceMs).toISOString(), hashes: run.hashes, parents: run.scope.parents, lastDeletionCheck };
    return { events: run.events, nextCursor };
  }

  isOutage(error: unknown): boolean {
    // Rate limits, 401/403 and 404 mean Notion answered; network errors, timeouts (no status) and 5xx do not.
    return !isRateLimitedError(error) && !isSourcePermanentError(error) && ((error as { status?: number }).status ?? 500) >= 500;
  }

  health(): Record<string, unknown> {
    const { rootPageIds, dataSourceIds, requestsPerSecond } = this.options;
    return {
      scope: rootPageIds.length + dataSourceIds.length === 0 ? 'workspace' : { root_page_ids: rootPageIds, data_source_ids: dataSourceIds },
      authenticated: this.options.token !== '',
      ...(this.options.token ? {} : { note: 'no NOTION_TOKEN: every request will be refused' }),
      pacing: { requests_per_second: requestsPerSecond, ...this.client.pacer.figures },
      rate_limited: this.client.counters.rate_limited,
      unsupported_blocks: { ...this.unsupported },
      unchanged_skipped: this.figures.unchanged_skipped,
      last_deletion_check: this.lastDeletionCheck,
      deletion_guard: this.deletionGuard,
    };
  }

  /** A webhook delivery: page events fetch (or delete) their page, data source events re-read its rows, database events those of each of its data sources. */
  private async applyHint(run: NotionPollRun, message: WebhookMessage): Promise<void> {
    const hint = (message.payload ?? {}) as NotionHint;
    const type = hint.type ?? message.event;
    const id = normaliseNotionId(String(hint.entityId ?? hint.entity?.id ?? ''));
    if (!id) return;
    if (type === 'page.deleted') run.remove(id);
    else if (type.startsWith('page.')) await run.considerById(id);
    else if (type.startsWith('data_source.')) await run.refreshDataSource(id);
    // Database events name the database, a container of data sources (API 2025-09-03), not a data source.
    else if (type.startsWith('database.')) await run.refreshDatabase(id);
  }

  /** Lists the pages in scope: new ones are ingested, known ones gone missing are confirmed one by one and deleted. */
  private async deletionCheck(run: NotionPollRun): Promise<void> {
    const listed = await run.scope.list();
    const judgement = judgeDeletions(Object.keys(run.hashes), new Set(listed.keys()), this.options.maxDeletionShare);
    for (const page of listed.values()) if (run.hashes[page.id] === undefined) await run.consider(page);
    if (judgement.tripped) {
      this.logger.warn('notion deletion check: too many pages missing at once, nothing deleted', { connector: this.name, guard: judgement.report });
    } else {
      // Search lags, so a page missing from the listing is only deleted once fetching it says it is gone.
      for (const id of judgement.missing) await run.considerById(id);
    }
    this.noteDeletionCheck(new Date(this.clock.now()).toISOString(), judgement.report);
  }

  private noteDeletionCheck(at: string, report: string): void {
    this.lastDeletionCheck = at;
    this.deletionGuard = report;
  }
}
