import type { Logger } from '../../log/logger.ts';
import { type DeltaSyncedSourceDeps, DeltaSyncedSource } from '../delta-sync/delta-synced-source.ts';
import type { PollRequest } from '../document-source.ts';
import type { DocumentStates } from '../document-states.ts';
import { createNotionApi } from './notion-api.ts';
import type { UnsupportedCounts } from './notion-blocks-to-markdown.ts';
import { NotionClient } from './notion-client.ts';
import type { NotionOptions } from './notion-options.ts';
import { NotionPageStates, notionEntriesOfV1 } from './notion-page-states.ts';
import { NotionPollRun } from './notion-poll-run.ts';
import type { NotionPage } from './notion-types.ts';

/** What a Notion cursor was read from: a change of any of these is a new scope (issue 11). */
export interface NotionScopeIdentity {
  apiUrl: string;
  rootPageIds: string[];
  dataSourceIds: string[];
}

/** Test seams: the clock the pacer and the cursor use, and the fetch the SDK uses. */
export type NotionSourceDeps = DeltaSyncedSourceDeps;

/**
 * Notion pages as a delta-synced document source (delta-sync.ts). The backfill lists every page in scope; a delta
 * reads what search (sorted by last edit, newest first) and the configured data sources report as edited since the
 * mark, which trails the newest edit seen by `overlap_minutes` because edit times have minute precision and search
 * lags. Webhook hints fetch their page at once.
 */
export class NotionSource extends DeltaSyncedSource<NotionOptions, NotionClient, NotionScopeIdentity, NotionPage> {
  private readonly unsupported: UnsupportedCounts = {};
  private readonly figures = { unchanged_skipped: 0 };

  constructor(name: string, options: NotionOptions, logger: Logger, deps: NotionSourceDeps = {}) {
    super(name, options, logger, deps, (clock) => new NotionClient(name, options, clock, deps.fetch));
  }

  protected kindSettings() {
    const { apiUrl, rootPageIds, dataSourceIds, overlapMs } = this.options;
    return { kind: 'notion', scope: { apiUrl, rootPageIds, dataSourceIds }, markTrailMs: overlapMs, entriesOfV1: notionEntriesOfV1 };
  }

  protected planFor(request: PollRequest, states: DocumentStates): NotionPollRun {
    const api = createNotionApi(this.client, request.guard);
    const ctx = { name: this.name, options: this.options, api, unsupported: this.unsupported, figures: this.figures, now: () => this.clock.now() };
    return new NotionPollRun(ctx, new NotionPageStates(states));
  }

  protected sourceHealth(): Record<string, unknown> {
    const { rootPageIds, dataSourceIds } = this.options;
    return {
      scope: rootPageIds.length + dataSourceIds.length === 0 ? 'workspace' : { root_page_ids: rootPageIds, data_source_ids: dataSourceIds },
      authenticated: this.options.token !== '',
      ...(this.options.token ? {} : { note: 'no NOTION_TOKEN: every request will be refused' }),
      unsupported_blocks: { ...this.unsupported },
      unchanged_skipped: this.figures.unchanged_skipped,
    };
  }
}
