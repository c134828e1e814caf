import type { AnyActorRef, InspectionEvent } from 'xstate';
import { POLL_OUTCOMES, type PollOutcomeClass, pollErrorClassOf } from './poll-error-class.ts';

/** How a connector's last finished poll ended. */
export type LastPoll = { ok: true } | { ok: false; error: string };

/** Finished polls of one connector by outcome (`done` or an error class), since the process started. */
export type PollCounts = Record<PollOutcomeClass, number>;

/**
 * Remembers how each connector's last finished poll ended, from the actor system's inspection stream (the poll
 * actor's done or error event reaching the connector), for health: a connector back in `idle` after its retries ran
 * out looks like a healthy one in its snapshot. It also counts finished polls by outcome, for metrics; the counts
 * outlive a connector's restart, so they only go up. A poll refused by an open breaker did not reach the source and
 * is not counted; the breaker's own state says why.
 */
export class PollOutcomes {
  private readonly last = new Map<string, LastPoll>();
  private readonly counts = new Map<string, PollCounts>();

  /** The inspection observer: `actor.system.inspect(outcomes.observe)`. */
  readonly observe = (inspection: InspectionEvent): void => {
    if (inspection.type !== '@xstate.snapshot') return;
    const event = inspection.event as { type: string; error?: unknown };
    if (event.type !== 'xstate.done.actor.poll' && event.type !== 'xstate.error.actor.poll') return;
    const systemId = (inspection.actorRef as AnyActorRef & { systemId?: string }).systemId;
    if (!systemId?.startsWith('connector:')) return;
    const name = systemId.slice('connector:'.length);
    if (event.type === 'xstate.done.actor.poll') {
      this.last.set(name, { ok: true });
      this.count(name, 'done');
    } else if (codeOf(event.error) !== 'BREAKER_OPEN') {
      this.last.set(name, { ok: false, error: messageOf(event.error) });
      this.count(name, pollErrorClassOf(event.error));
    }
  };

  /** The connector's last finished poll, or undefined before its first one ended. */
  of(name: string): LastPoll | undefined {
    return this.last.get(name);
  }

  /** The connector's finished polls by outcome, every outcome present (0 before the first poll). */
  countsOf(name: string): PollCounts {
    return { ...(this.counts.get(name) ?? zeroCounts()) };
  }

  private count(name: string, outcome: PollOutcomeClass): void {
    const counts = this.counts.get(name) ?? zeroCounts();
    counts[outcome] += 1;
    this.counts.set(name, counts);
  }
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function zeroCounts(): PollCounts {
  return Object.fromEntries(POLL_OUTCOMES.map((outcome) => [outcome, 0])) as PollCounts;
}
