import type { WebhookMessage } from '../../../machines/connector.machine.ts';
import type { IngestionEvent } from '../../../model/ingestion-event.ts';
import type { Logger } from '../../log/logger.ts';
import type { PollRequest, PollResult } from '../document-source.ts';
import { judgeDeletions } from '../judge-deletions.ts';
import { isSameScope } from '../same-scope.ts';
import { DELTA_CURSOR_VERSION, type DeltaCursor, readDeltaCursor } from './delta-cursor.ts';
import { DocumentStates } from '../document-states.ts';

/** What one poll of a delta-synced source does with documents: the part particular to each source. */
export interface DeltaPlan<Item> {
  /** What the poll emits; filled by the calls below. */
  readonly events: IngestionEvent[];
  /** Every document in scope now; `bare` when only ids are needed (the deletion check). */
  listInScope(bare: boolean): Promise<Item[]>;
  /** The documents changed at or after `since` (the saved high-water mark; the plan adds its own re-read window). */
  changedSince(since: string): Promise<Item[]>;
  idOf(item: Item): string;
  /** When the item last changed (ISO 8601), if the listing says. */
  modifiedAt(item: Item): string | undefined;
  /** Emits what a listed item calls for: an upsert when it changed, a delete when it is gone or out of scope. */
  consider(item: Item): Promise<void>;
  /** A listed item no document is held for (found by the deletion check). */
  considerNew(item: Item): Promise<void>;
  /** A held document missing from a listing: fetched, and deleted only when the source says it is gone. */
  confirm(id: string): Promise<void>;
  /** A webhook delivery: a hint, applied before the listing (the poll does not depend on it to be correct). */
  applyHint(message: WebhookMessage): Promise<void>;
  /** Ids of the documents held (ingested). */
  held(): string[];
}

/** How a source configures the template. */
export interface DeltaSyncSettings<Scope> {
  /** The source's kind, for logs (`notion`). */
  kind: string;
  /** What the cursor is read from: a change is a new scope (issue 11). */
  scope: Scope;
  /** How far the saved mark trails the newest change seen (ms); a source may instead widen its query. */
  markTrailMs: number;
  /** How often the documents in scope are listed to find silent deletions (ms). */
  deletionCheckMs: number;
  /** Share of held documents missing at once above which the deletion check deletes nothing. */
  maxDeletionShare: number;
  /** Per-document entries of a version 1 cursor (which held them inside), or null when it is unreadable. */
  entriesOfV1(v1: Record<string, unknown>): Record<string, string> | null;
}

/**
 * The poll of a source that lists changes since a time (Notion, Confluence). The first poll lists every document in
 * scope (backfill). Later polls apply webhook hints first, then read what changed since the cursor's mark; every
 * `deletionCheckMs` the documents in scope are listed again and held ones gone missing are confirmed and deleted,
 * unless too many are missing at once (judge-deletions.ts). The mark never goes back (the cursor floor) and never
 * passes our clock. A changed scope is listed at once, and the delta waits for the next poll: it would delete every
 * recently edited document of the old scope one by one, past the guard.
 */
export class DeltaSync {
  private lastDeletionCheck: string | null = null;
  private deletionGuard = 'not run yet';

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  async poll<Scope, Item>(request: PollRequest, settings: DeltaSyncSettings<Scope>, now: number, planFor: (states: DocumentStates) => DeltaPlan<Item>): Promise<PollResult> {
    const read = readDeltaCursor<Scope>(request.cursor, (v1) => settings.entriesOfV1(v1));
    // No cursor means a full backfill. State may be there all the same: the poll logic saves it before the cursor, so a
    // cursor write that failed (Redis restarting) leaves it. It is kept: it names documents whose events were queued,
    // and the backfill deletes those that are gone, through the guard, where forgetting them would leave them stored.
    const states = new DocumentStates(request.documents);
    for (const [id, value] of Object.entries(read?.migrated ?? {})) states.set(id, value);
    const plan = planFor(states);
    const previous = read?.cursor ?? null;
    let newest: number | null = null;
    const visit = async (item: Item) => {
      const at = Date.parse(plan.modifiedAt(item) ?? '');
      if (Number.isFinite(at)) newest = Math.max(newest ?? at, at);
      await plan.consider(item);
    };
    let lastDeletionCheck = previous?.lastDeletionCheck ?? new Date(now).toISOString();
    const scopeChanged = previous !== null && !isSameScope(previous.scope, settings.scope);
    if (!previous) {
      const held = plan.held();
      const listed = await plan.listInScope(false);
      for (const item of listed) await visit(item);
      await this.deleteMissing(plan, settings, held, listed, now);
    } else {
      for (const message of request.webhooks) await plan.applyHint(message);
      if (!scopeChanged) for (const item of await plan.changedSince(previous.since)) await visit(item);
      if (scopeChanged || now - Date.parse(previous.lastDeletionCheck) >= settings.deletionCheckMs) {
        await this.deletionCheck(plan, settings, now);
        lastDeletionCheck = new Date(now).toISOString();
      }
    }
    // The newest change seen, never later than our clock: a source clock ahead must not push the mark past now.
    const floor = previous ? Date.parse(previous.since) : Number.NEGATIVE_INFINITY;
    const sinceMs = scopeChanged ? floor : Math.max(floor, Math.min(newest ?? now, now) - settings.markTrailMs);
    const nextCursor: DeltaCursor<Scope> = { version: DELTA_CURSOR_VERSION, scope: settings.scope, since: new Date(sinceMs).toISOString(), lastDeletionCheck };
    return { events: plan.events, nextCursor, documents: states.changes() };
  }

  /** For health: when the deletion check last ran and what the guard said. */
  health(): Record<string, unknown> {
    return { last_deletion_check: this.lastDeletionCheck, deletion_guard: this.deletionGuard };
  }

  /** Lists the documents in scope: new ones are ingested, held ones gone missing are confirmed one by one and deleted. */
  private async deletionCheck<Scope, Item>(plan: DeltaPlan<Item>, settings: DeltaSyncSettings<Scope>, now: number): Promise<void> {
    const listed = await plan.listInScope(true);
    // Held before the new ones are ingested: the guard's share is of what was held.
    const held = plan.held();
    const heldSet = new Set(held);
    for (const item of listed) if (!heldSet.has(plan.idOf(item))) await plan.considerNew(item);
    await this.deleteMissing(plan, settings, held, listed, now);
  }

  /** `held` documents missing from `listed` are confirmed one by one and deleted, unless too many are missing at once. */
  private async deleteMissing<Scope, Item>(plan: DeltaPlan<Item>, settings: DeltaSyncSettings<Scope>, held: string[], listed: Item[], now: number): Promise<void> {
    const judgement = judgeDeletions(held, new Set(listed.map((item) => plan.idOf(item))), settings.maxDeletionShare);
    if (judgement.tripped) {
      this.logger.warn(`${settings.kind} deletion check: too many pages missing at once, nothing deleted`, { connector: this.name, guard: judgement.report });
    } else {
      // Listings lag (search indexing, a restore), so a missing document is deleted only once fetching it says it is gone.
      for (const id of judgement.missing) await plan.confirm(id);
    }
    this.noteDeletionCheck(new Date(now).toISOString(), judgement.report);
  }

  private noteDeletionCheck(at: string, report: string): void {
    this.lastDeletionCheck = at;
    this.deletionGuard = report;
  }
}
