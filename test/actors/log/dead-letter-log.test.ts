import { afterEach, describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { createLogger } from '../../../src/actors/log/logger.ts';
import type { DeadLetterNotice } from '../../../src/actors/queue/ingestion-queue.ts';
import type { EventProcessor } from '../../../src/actors/pipeline/process-event.ts';
import { createProcessBatchLogic } from '../../../src/actors/worker/create-process-batch-logic.ts';
import { manyEvents } from '../../support/events.ts';
import { type QueueHarness, queueBackends } from '../../support/queue-backends.ts';

let harness: QueueHarness | undefined;
afterEach(async () => harness?.dispose());

/** A processor for which one path always fails on its own (not an outage). */
function failingOn(path: string, error: Error): EventProcessor {
  return {
    async process() {},
    async processMany(events) {
      return events.map((event) => (event.path === path ? error : null));
    },
  };
}

describe.each(queueBackends.filter((b) => b.available))('dead-letter log on $name', (backend) => {
  it('warns on a retry and writes an error line with the event id and reason when the event goes to the dead-letter list', async () => {
    harness = await backend.create({ maxAttempts: 2, retryBaseMs: 1 });
    await harness.queue.enqueue(manyEvents(2));
    const raw: string[] = [];
    const logger = createLogger({ level: 'info', secrets: [], destination: { write: (line: string) => raw.push(line) } });
    const logic = createProcessBatchLogic(harness.queue, failingOn('doc-1.md', new Error('cannot parse front matter')), (message, fields, level) =>
      logger[level](message, fields),
    );
    const run = async () => {
      const items = await harness!.queue.claim({ max: 10, waitMs: 0 });
      return toPromise(createActor(logic, { input: { size: items.length, items } }).start());
    };

    expect(await run()).toEqual({ processed: 1, retried: 1, deadLettered: 0 });
    harness.clock.now += 10_000;
    expect(await run()).toEqual({ processed: 0, retried: 0, deadLettered: 1 });

    const lines = raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => `${l.level} ${l.message}`)).toEqual(['warn event failed; retrying', 'error event dead-lettered']);
    expect(lines[1]).toMatchObject({
      event_id: 'test:doc-1.md:1',
      attempts: 2,
      verdict: 'dead',
      reason: 'Error: cannot parse front matter',
      error: { type: 'Error', message: 'cannot parse front matter', stack: expect.stringContaining('cannot parse front matter') },
    });
    expect((await harness.queue.deadLetters()).map((d) => d.reason)).toEqual(['Error: cannot parse front matter']);
  });

  it('tells onDeadLetter of the entries it dead-letters itself: a malformed one on claim, one whose lease expired too often', async () => {
    const notices: DeadLetterNotice[] = [];
    // maxLeaseExpiries: lease expiries count apart from attempts (issue 11); one expiry is enough here.
    harness = await backend.create({ maxAttempts: 1, maxLeaseExpiries: 1, leaseMs: 1_000, onDeadLetter: (notice) => notices.push(notice) });
    await harness.pushRaw('{"id": "half-written", "path"');
    await harness.pushRaw(JSON.stringify({ id: 'no-path' }));
    expect(await harness.queue.claim({ max: 10, waitMs: 0 })).toEqual([]);
    expect(notices).toEqual([
      { eventId: null, reason: expect.stringMatching(/^malformed entry: /) },
      { eventId: 'no-path', reason: expect.stringMatching(/^malformed entry: /) },
    ]);

    await harness.queue.enqueue(manyEvents(1));
    expect(await harness.queue.claim({ max: 10, waitMs: 0 })).toHaveLength(1);
    harness.clock.now += 5_000; // its consumer died: the lease runs out
    expect(await harness.queue.reapExpiredLeases()).toBe(1);
    expect(notices.slice(2)).toEqual([{ eventId: 'test:doc-0.md:1', reason: expect.stringMatching(/^lease expired/) }]);
    expect(await harness.queue.deadLetters()).toHaveLength(3);
  });
});
