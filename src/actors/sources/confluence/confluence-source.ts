import type { Logger } from '../../log/logger.ts';
import { type DeltaSyncedSourceDeps, DeltaSyncedSource } from '../delta-sync/delta-synced-source.ts';
import type { PollRequest } from '../document-source.ts';
import type { DocumentStates } from '../document-states.ts';
import { createConfluenceApi } from './confluence-api.ts';
import { ConfluenceClient } from './confluence-client.ts';
import type { ConfluenceOptions } from './confluence-options.ts';
import { ConfluencePageStates, confluenceEntriesOfV1 } from './confluence-page-states.ts';
import { ConfluencePollRun } from './confluence-poll-run.ts';
import type { ConfluencePage } from './confluence-types.ts';

/** What a Confluence cursor was read from: a change of any of these is a new scope (issue 11). */
export interface ConfluenceScopeIdentity {
  baseUrl: string;
  spaces: string[];
  cql: string;
  includeBlogposts: boolean;
}

/** Test seams: the clock (pacing, cursor) and the fetch the client uses. */
export type ConfluenceSourceDeps = DeltaSyncedSourceDeps;

/**
 * Confluence pages (and optionally blog posts) of the configured spaces as a delta-synced document source
 * (delta-sync.ts, confluence-poll-run.ts). The cursor's mark is the newest modification seen, a UTC instant, with no
 * trail: the delta query itself starts earlier by the overlap and a time-zone slack (confluence-cql.ts).
 */
export class ConfluenceSource extends DeltaSyncedSource<ConfluenceOptions, ConfluenceClient, ConfluenceScopeIdentity, ConfluencePage> {
  /** Space key → id (Cloud), resolved once per process. */
  private readonly spaceIds = new Map<string, string>();
  private readonly figures = { unchanged_skipped: 0, out_of_scope: 0 };

  constructor(name: string, options: ConfluenceOptions, logger: Logger, deps: ConfluenceSourceDeps = {}) {
    super(name, options, logger, deps, (clock) => new ConfluenceClient(name, options, clock, deps.fetch));
  }

  protected kindSettings() {
    const { baseUrl, spaces, cql, includeBlogposts } = this.options;
    return { kind: 'confluence', scope: { baseUrl, spaces, cql, includeBlogposts }, markTrailMs: 0, entriesOfV1: confluenceEntriesOfV1 };
  }

  protected planFor(request: PollRequest, states: DocumentStates): ConfluencePollRun {
    const api = createConfluenceApi(this.name, this.client, this.options, request.guard, this.spaceIds);
    const ctx = { name: this.name, options: this.options, api, figures: this.figures, now: () => this.clock.now() };
    return new ConfluencePollRun(ctx, new ConfluencePageStates(states));
  }

  protected sourceHealth(): Record<string, unknown> {
    const { baseUrl, flavor, spaces, timeZone } = this.options;
    return {
      site: baseUrl,
      flavor,
      spaces,
      time_zone: timeZone ?? 'unknown (15 h re-read window)',
      authenticated: this.options.token !== '',
      ...(this.options.token ? {} : { note: 'no CONFLUENCE_API_TOKEN / CONFLUENCE_PAT: only anonymous access' }),
      unchanged_skipped: this.figures.unchanged_skipped,
      out_of_scope: this.figures.out_of_scope,
    };
  }
}
