import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookFate } from './convergence-history.ts';

/** The files one push changed, as a push payload lists them. */
export interface PushedFiles {
  added: string[];
  removed: string[];
  modified: string[];
}

interface Delivery {
  id: string;
  body: string;
  signature: string;
}

/**
 * Carries the push webhooks of a history to the serve process, as GitHub would on a bad day: some dropped, some
 * delivered twice (same delivery id), some held back and delivered later in reverse order. A delivery that finds the
 * serve process down or answering non-2xx is lost like a dropped one (the periodic and start-up reconciles and the
 * final forced poll must make up for it).
 */
export class WebhookCourier {
  private deferred: Delivery[] = [];
  /** Answers received, by status (0: no answer). */
  readonly answers = new Map<number, number>();

  constructor(
    private readonly secret: string,
    private readonly url: () => string,
  ) {}

  /** Sends (or not) the push webhook of the commit `before` -> `after`. */
  async push(before: string, after: string, files: PushedFiles, fate: WebhookFate): Promise<void> {
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      before,
      after,
      forced: false,
      deleted: false,
      created: false,
      repository: { full_name: 'octo/handbook', name: 'handbook', owner: { login: 'octo' }, default_branch: 'main' },
      head_commit: { id: after },
      commits: [{ id: after, message: 'convergence', ...files }],
    });
    const delivery = { id: randomUUID(), body, signature: `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}` };
    if (fate === 'drop') return;
    if (fate === 'defer') {
      this.deferred.push(delivery);
      return;
    }
    await this.send(delivery);
    if (fate === 'duplicate') await this.send(delivery);
  }

  /** Delivers the held-back webhooks, newest first. */
  async deliverDeferred(): Promise<void> {
    const held = this.deferred.reverse();
    this.deferred = [];
    for (const delivery of held) await this.send(delivery);
  }

  private async send(delivery: Delivery): Promise<void> {
    let status = 0;
    try {
      const response = await fetch(`${this.url()}/webhooks/github`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': delivery.id,
          'x-hub-signature-256': delivery.signature,
        },
        body: delivery.body,
        // GitHub gives up after 10 s.
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      await response.body?.cancel();
    } catch {
      // Down, restarting or hung: lost, as GitHub's delivery would be.
    }
    this.answers.set(status, (this.answers.get(status) ?? 0) + 1);
  }
}
