import type { AnyActorRef, InspectionEvent } from 'xstate';

/** How a connector's last finished poll ended. */
export type LastPoll = { ok: true } | { ok: false; error: string };

/**
 * Remembers how each connector's last finished poll ended, from the actor system's inspection stream (the poll
 * actor's done or error event reaching the connector), for health: a connector back in `idle` after its retries ran
 * out looks like a healthy one in its snapshot. A poll refused by an open breaker did not reach the source and is
 * not counted; the breaker's own state says why.
 */
export class PollOutcomes {
  private readonly last = new Map<string, LastPoll>();

  /** The inspection observer: `actor.system.inspect(outcomes.observe)`. */
  readonly observe = (inspection: InspectionEvent): void => {
    if (inspection.type !== '@xstate.snapshot') return;
    const event = inspection.event as { type: string; error?: unknown };
    if (event.type !== 'xstate.done.actor.poll' && event.type !== 'xstate.error.actor.poll') return;
    const systemId = (inspection.actorRef as AnyActorRef & { systemId?: string }).systemId;
    if (!systemId?.startsWith('connector:')) return;
    const name = systemId.slice('connector:'.length);
    if (event.type === 'xstate.done.actor.poll') this.last.set(name, { ok: true });
    else if (codeOf(event.error) !== 'BREAKER_OPEN') this.last.set(name, { ok: false, error: messageOf(event.error) });
  };

  /** The connector's last finished poll, or undefined before its first one ended. */
  of(name: string): LastPoll | undefined {
    return this.last.get(name);
  }
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
