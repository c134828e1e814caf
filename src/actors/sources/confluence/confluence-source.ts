import type { Logger } from '../../log/logger.ts';
import { DeltaSync } from '../delta-sync/delta-sync.ts';
import type { DocumentSource, PollRequest, PollResult } from '../document-source.ts';
import { type PacerClock, systemClock } from '../http/pacer-clock.ts';
import { createConfluenceApi } from './confluence-api.ts';
import { ConfluenceClient } from './confluence-client.ts';
import type { ConfluenceOptions } from './confluence-options.ts';
import { ConfluencePageStates, confluenceEntriesOfV1 } from './confluence-page-states.ts';
import { ConfluencePollRun } from './confluence-poll-run.ts';

/** What a Confluence cursor was read from: a change of any of these is a new scope (issue 11). */
export interface ConfluenceScopeIdentity {
  baseUrl: string;
  spaces: string[];
  cql: string;
  includeBlogposts: boolean;
}

/** Test seams: the clock (pacing, cursor) and the fetch the client uses. */
export interface ConfluenceSourceDeps {
  clock?: PacerClock;
  fetch?: typeof fetch;
}

/**
 * Confluence pages (and optionally blog posts) of the configured spaces as a delta-synced document source
 * (delta-sync.ts, confluence-poll-run.ts). The cursor's mark is the newest modification seen, a UTC instant, with no
 * trail: the delta query itself starts earlier by the overlap and a time-zone slack (confluence-cql.ts).
 */
export class ConfluenceSource implements DocumentSource {
  private readonly client: ConfluenceClient;
  private readonly clock: PacerClock;
  private readonly sync: DeltaSync;
  /** Space key → id (Cloud), resolved once per process. */
  private readonly spaceIds = new Map<string, string>();
  private readonly figures = { unchanged_skipped: 0, out_of_scope: 0 };

  constructor(
    private readonly name: string,
    private readonly options: ConfluenceOptions,
    logger: Logger,
    deps: ConfluenceSourceDeps = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.client = new ConfluenceClient(name, options, this.clock, deps.fetch);
    this.sync = new DeltaSync(name, logger);
  }

  poll(request: PollRequest): Promise<PollResult> {
    const { baseUrl, spaces, cql, includeBlogposts, deletionCheckMs, maxDeletionShare } = this.options;
    const scope: ConfluenceScopeIdentity = { baseUrl, spaces, cql, includeBlogposts };
    const settings = { kind: 'confluence', scope, markTrailMs: 0, deletionCheckMs, maxDeletionShare, entriesOfV1: confluenceEntriesOfV1 };
    const api = createConfluenceApi(this.name, this.client, this.options, request.guard, this.spaceIds);
    const ctx = { name: this.name, options: this.options, api, figures: this.figures, now: () => this.clock.now() };
    return this.sync.poll(request, settings, this.clock.now(), (states) => new ConfluencePollRun(ctx, new ConfluencePageStates(states)));
  }

  isOutage(error: unknown): boolean {
    return this.client.http.isOutage(error);
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
      ...this.client.http.health(),
      unchanged_skipped: this.figures.unchanged_skipped,
      out_of_scope: this.figures.out_of_scope,
      ...this.sync.health(),
    };
  }
}
