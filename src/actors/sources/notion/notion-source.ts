import type { Logger } from '../../log/logger.ts';
import { DeltaSync } from '../delta-sync/delta-sync.ts';
import type { DocumentSource, PollRequest, PollResult } from '../document-source.ts';
import { type PacerClock, systemClock } from '../http/pacer-clock.ts';
import { createNotionApi } from './notion-api.ts';
import type { UnsupportedCounts } from './notion-blocks-to-markdown.ts';
import { NotionClient } from './notion-client.ts';
import type { NotionOptions } from './notion-options.ts';
import { NotionPageStates, notionEntriesOfV1 } from './notion-page-states.ts';
import { NotionPollRun } from './notion-poll-run.ts';

/** What a Notion cursor was read from: a change of any of these is a new scope (issue 11). */
export interface NotionScopeIdentity {
  apiUrl: string;
  rootPageIds: string[];
  dataSourceIds: string[];
}

/** Test seams: the clock the pacer and the cursor use, and the fetch the SDK uses. */
export interface NotionSourceDeps {
  clock?: PacerClock;
  fetch?: typeof fetch;
}

/**
 * Notion pages as a delta-synced document source (delta-sync.ts). The backfill lists every page in scope; a delta
 * reads what search (sorted by last edit, newest first) and the configured data sources report as edited since the
 * mark, which trails the newest edit seen by `overlap_minutes` because edit times have minute precision and search
 * lags. Webhook hints fetch their page at once.
 */
export class NotionSource implements DocumentSource {
  private readonly client: NotionClient;
  private readonly clock: PacerClock;
  private readonly sync: DeltaSync;
  private readonly unsupported: UnsupportedCounts = {};
  private readonly figures = { unchanged_skipped: 0 };

  constructor(
    private readonly name: string,
    private readonly options: NotionOptions,
    logger: Logger,
    deps: NotionSourceDeps = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.client = new NotionClient(name, options, this.clock, deps.fetch);
    this.sync = new DeltaSync(name, logger);
  }

  poll(request: PollRequest): Promise<PollResult> {
    const { apiUrl, rootPageIds, dataSourceIds, overlapMs, deletionCheckMs, maxDeletionShare } = this.options;
    const scope: NotionScopeIdentity = { apiUrl, rootPageIds, dataSourceIds };
    const settings = { kind: 'notion', scope, markTrailMs: overlapMs, deletionCheckMs, maxDeletionShare, entriesOfV1: notionEntriesOfV1 };
    const api = createNotionApi(this.client, request.guard);
    const ctx = { name: this.name, options: this.options, api, unsupported: this.unsupported, figures: this.figures, now: () => this.clock.now() };
    return this.sync.poll(request, settings, this.clock.now(), (states) => new NotionPollRun(ctx, new NotionPageStates(states)));
  }

  isOutage(error: unknown): boolean {
    return this.client.http.isOutage(error);
  }

  health(): Record<string, unknown> {
    const { rootPageIds, dataSourceIds } = this.options;
    return {
      scope: rootPageIds.length + dataSourceIds.length === 0 ? 'workspace' : { root_page_ids: rootPageIds, data_source_ids: dataSourceIds },
      authenticated: this.options.token !== '',
      ...(this.options.token ? {} : { note: 'no NOTION_TOKEN: every request will be refused' }),
      ...this.client.http.health(),
      unsupported_blocks: { ...this.unsupported },
      unchanged_skipped: this.figures.unchanged_skipped,
      ...this.sync.health(),
    };
  }
}
