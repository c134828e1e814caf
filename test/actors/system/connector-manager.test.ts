import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorStats } from '../../../src/machines/connector.machine.ts';
import { eventually, startTempService, type TempService } from '../../support/temp-service.ts';

let service: TempService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
});

const connectorStatus = async (s: TempService) => (await s.manager.health()).connectors[0].status;

describe('ConnectorManager', () => {
  it('pauses polling under backpressure and resumes under the low mark', async () => {
    service = await startTempService({ workerCount: 0, queue: ['max_size: 10', 'backpressure_on_pct: 80', 'backpressure_off_pct: 50'] });
    const { manager } = service;
    for (let i = 0; i < 8; i++) writeFileSync(join(service.docs, `doc-${i}.md`), `# Doc ${i}\n`);
    await eventually('the connector paused', async () => (await connectorStatus(service!)) === 'paused');
    const health = await manager.health();
    expect(health.status).toBe('degraded');
    expect(health.reasons).toContain('ingestion queue is under backpressure: polling paused');
    expect(await manager.queue.isBackpressure()).toBe(true);

    await manager.queue.ack(await manager.queue.claim({ max: 2, waitMs: 0 })); // 60 %: still above the low mark
    // The queue monitor's first check that sees the 6 left is the moment the supervisor could have resumed polling.
    await eventually('a queue check after the ack', () => manager.root.getSnapshot().context.queueStats?.size === 6);
    expect(manager.queueState().state).toBe('backpressure');
    expect(await connectorStatus(service)).toBe('paused');

    await manager.queue.ack(await manager.queue.claim({ max: 2, waitMs: 0 })); // 40 %: under the low mark
    await eventually('the connector resumed', async () => ['idle', 'polling'].includes(await connectorStatus(service!)));
    expect((await manager.health()).status).toBe('healthy');
  });

  it('loses no change when the queue is full: the cursor waits until every event is queued', async () => {
    service = await startTempService({
      workerCount: 0,
      startPolling: false,
      connector: ['batch_size: 2', 'max_retries: 0', 'poll_interval_seconds: 0.2'],
      queue: ['max_size: 3'],
    });
    const { manager } = service;
    // All five are there before the first poll: it queues doc-0 and doc-1, and the full queue refuses the next batch.
    for (let i = 0; i < 5; i++) writeFileSync(join(service.docs, `doc-${i}.md`), `# Doc ${i}\n`);
    await manager.startPolling();
    const stats = async () => (await manager.health()).connectors[0].stats as unknown as ConnectorStats;
    await eventually('an enqueue refused by the full queue', async () => (await stats()).errors > 0);
    expect((await stats()).last_error).toContain('ingestion queue is full');
    expect(await service.backends.cursors.get('docs')).toBeNull();

    const seen = new Set<string>();
    const drain = async () => {
      const claimed = await manager.queue.claim({ max: 10, waitMs: 0 });
      for (const c of claimed) seen.add(c.event.path);
      await manager.queue.ack(claimed);
    };
    await drain();
    expect([...seen].sort()).toEqual(['doc-0.md', 'doc-1.md']);
    await eventually(
      'all five documents delivered',
      async () => {
        await drain();
        return seen.size === 5;
      },
      15_000,
    );
    expect([...seen].sort()).toEqual(['doc-0.md', 'doc-1.md', 'doc-2.md', 'doc-3.md', 'doc-4.md']);
  });

  it('goes degraded when its source fails, with the breaker open, and recovers when the source returns', async () => {
    service = await startTempService({ connector: ['circuit_breaker_failure_threshold: 2', 'max_retries: 3', 'circuit_breaker_timeout_seconds: 0.5'] });
    const { manager, docs } = service;
    await eventually('first poll done', async () => (await manager.health()).connectors[0].stats.last_sync !== null);
    rmSync(docs, { recursive: true });
    manager.connector('docs')!.pollNow();
    await eventually('the connector degraded', async () => (await connectorStatus(service!)) === 'degraded');
    const stats = manager.connector('docs')!.circuitBreaker.getStats();
    expect(stats.state).not.toBe('closed');
    expect(stats.failure_count).toBeGreaterThanOrEqual(2);
    const health = await manager.health();
    expect(health.status).toBe('degraded');
    expect(health.connectors[0].circuit_breaker).not.toBe('closed');

    mkdirSync(docs);
    writeFileSync(join(docs, 'back.md'), '# Back\n');
    await eventually('the breaker closed again', () => manager.connector('docs')!.circuitBreaker.getStats().state === 'closed', 10_000);
    await eventually('back.md stored', () => service!.backends.graph.getDocument('docs:back.md'));
    expect(['idle', 'polling']).toContain(await connectorStatus(service));
  });

  it('exposes the runbook API: register a connector, start polling, queue stats, breaker stats and reset', async () => {
    service = await startTempService({ startPolling: false });
    const { manager } = service;
    mkdirSync(join(service.dir, 'more'));
    writeFileSync(join(service.dir, 'more', 'extra.md'), '# Extra\n');
    manager.registerConnector('more', 'local', { ...service.config.connectors.docs, metadata: { path: join(service.dir, 'more') } });
    await manager.startPolling();
    await eventually('extra.md stored', () => service!.backends.graph.getDocument('more:extra.md'));
    expect(await manager.getQueueStats()).toMatchObject({ queue_name: service.config.queue.name, max_size: 10_000 });
    const more = manager.connector('more')!;
    expect(more.circuitBreaker.getStats()).toMatchObject({ state: 'closed', failure_count: 0 });
    more.circuitBreaker.reset();
    expect(more.circuitBreaker.getStats().state).toBe('closed');
    expect(manager.root.system.get('breaker:more')).toBeDefined();
    expect(manager.root.system.get('connector:more')).toBeDefined();
  });

  it("hands one event-loop turn's webhooks to the connector actor together, counting them against its buffer", async () => {
    service = await startTempService({ connector: ['poll_interval_seconds: 3600'] });
    const { manager } = service;
    await eventually('the first poll done', async () => (await manager.health()).connectors[0].stats.last_sync !== null);
    const docs = manager.connector('docs')!;
    const stats = async () => (await manager.health()).connectors[0].stats;

    const hint = (id: string, coalesceKey?: string) => ({ deliveryId: id, event: 'change', payload: {}, ...(coalesceKey && { coalesceKey }) });
    const accepted = [docs.deliverWebhook(hint('a', 'k')), docs.deliverWebhook(hint('b', 'k')), docs.deliverWebhook(hint('c'))];
    expect(accepted).toEqual([true, true, true]);
    // Not yet handed over: the actor gets them at the end of this turn.
    expect(manager.root.system.get('connector:docs').getSnapshot().context.stats.webhooks_received).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await stats()).toMatchObject({ webhooks_received: 3, webhooks_coalesced: 1, webhooks_buffered: 2 });

    // The buffer holds 1000: the two waiting plus 998 more fill it within one turn; the next is refused, and one with
    // a waiting delivery's key still replaces it.
    const more = Array.from({ length: 998 }, (_, i) => docs.deliverWebhook(hint(`n-${i}`)));
    expect(more.every((ok) => ok)).toBe(true);
    expect(docs.deliverWebhook(hint('over'))).toBe(false);
    expect(docs.deliverWebhook(hint('d', 'k'))).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await stats()).toMatchObject({ webhooks_received: 1002, webhooks_coalesced: 2, webhooks_buffered: 1000 });
  });
});
