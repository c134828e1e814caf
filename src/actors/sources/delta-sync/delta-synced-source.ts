import type { Logger } from '../../log/logger.ts';
import type { DocumentSource, PollRequest, PollResult } from '../document-source.ts';
import type { DocumentStates } from '../document-states.ts';
import { type PacerClock, systemClock } from '../http/pacer-clock.ts';
import type { SourceHttpClient } from '../http/source-http-client.ts';
import { type DeltaPlan, DeltaSync, type DeltaSyncSettings } from './delta-sync.ts';
import type { DeltaSyncOptions } from './delta-sync-options.ts';

/** Test seams of a delta-synced source: the clock (pacing, cursor) and the fetch its client uses. */
export interface DeltaSyncedSourceDeps {
  clock?: PacerClock;
  fetch?: typeof fetch;
}

/**
 * A document source that is a configuration of the delta-sync template (delta-sync.ts) over the sources' HTTP client:
 * a kind gives its settings, the plan of one poll, its client and its own health figures; polling, outage
 * classification and the deletion check's health are the same for every such kind (Notion, Confluence).
 */
export abstract class DeltaSyncedSource<Options extends DeltaSyncOptions, Client extends { readonly http: SourceHttpClient }, Scope, Item>
  implements DocumentSource
{
  protected readonly clock: PacerClock;
  /** The kind's client, made with the source's clock (pacing). */
  protected readonly client: Client;
  private readonly sync: DeltaSync;

  protected constructor(
    protected readonly name: string,
    protected readonly options: Options,
    logger: Logger,
    deps: DeltaSyncedSourceDeps,
    clientOf: (clock: PacerClock) => Client,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.client = clientOf(this.clock);
    this.sync = new DeltaSync(name, logger);
  }

  /** The kind's part of the template's settings; the deletion check's come from the delta-sync options. */
  protected abstract kindSettings(): Omit<DeltaSyncSettings<Scope>, 'deletionCheckMs' | 'maxDeletionShare'>;

  /** What one poll does with the kind's documents, over `states` (the per-document state store's entries). */
  protected abstract planFor(request: PollRequest, states: DocumentStates): DeltaPlan<Item>;

  /** The kind's own health figures (scope, credentials, counts). */
  protected abstract sourceHealth(): Record<string, unknown>;

  poll(request: PollRequest): Promise<PollResult> {
    const { deletionCheckMs, maxDeletionShare } = this.options;
    const settings = { ...this.kindSettings(), deletionCheckMs, maxDeletionShare };
    return this.sync.poll(request, settings, this.clock.now(), (states) => this.planFor(request, states));
  }

  isOutage(error: unknown): boolean {
    return this.client.http.isOutage(error);
  }

  health(): Record<string, unknown> {
    return { ...this.sourceHealth(), ...this.client.http.health(), ...this.sync.health() };
  }
}
