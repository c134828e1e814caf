import { fromCallback } from 'xstate';
import type { ConnectorManagerEvent } from '../../machines/connector-manager.machine.ts';
import type { IngestionQueue } from './ingestion-queue.ts';

/**
 * The supervisor's queue monitor: every `intervalMs` it reads the queue's stats (sent as QUEUE_STATS, or
 * QUEUE_UNREACHABLE when the queue's store does not answer) and returns expired leases of dead workers to the queue.
 */
export function createQueueMonitorLogic(queue: IngestionQueue, intervalMs: number) {
  return fromCallback(({ sendBack }: { sendBack: (event: ConnectorManagerEvent) => void }) => {
    let running = false;
    const tick = async () => {
      if (running) return; // a slow Redis must not pile up overlapping checks
      running = true;
      try {
        const stats = await queue.getStats();
        sendBack({ type: 'QUEUE_STATS', stats });
        await queue.reapExpiredLeases();
      } catch (error) {
        sendBack({ type: 'QUEUE_UNREACHABLE', error: error instanceof Error ? error.message : String(error) });
      } finally {
        running = false;
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), intervalMs);
    return () => clearInterval(timer);
  });
}
