import { fromCallback } from 'xstate';
import type { ConnectorManagerEvent } from '../../machines/connector-manager.machine.ts';
import type { Logger } from '../log/logger.ts';
import type { IngestionQueue } from './ingestion-queue.ts';
import { isConnectionFailure } from './queue-errors.ts';

/** A stats read that got no answer within the probe timeout (a hung server, a starved connection). */
export class QueueProbeTimeoutError extends Error {
  override readonly name = 'QueueProbeTimeoutError';
  readonly code = 'QUEUE_PROBE_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`no answer from the queue within ${timeoutMs} ms`);
  }
}

/** Options of the queue monitor. */
export interface QueueMonitorOptions {
  /** How often it reads the queue's sizes and reaps expired leases (ms). */
  intervalMs: number;
  /**
   * How long one read may take before the queue counts as unreachable (ms). The Redis client's commandTimeout rejects
   * a hung command too; this bounds a client made without one. Default 2000.
   */
  probeTimeoutMs?: number;
  /** Where a queue that answers with an error (a Lua `ReplyError`) is logged, once per distinct message. */
  logger?: Pick<Logger, 'error' | 'info'>;
  /** Clock of the readings' `at` (ms since the epoch). */
  now?: () => number;
}

/**
 * The supervisor's queue monitor: every `intervalMs` it reads the queue's sizes and sends them, with the time of the
 * reading, as QUEUE_STATS; a connection failure or a read past the probe timeout as QUEUE_UNREACHABLE; any other
 * failure (a script error) as QUEUE_ERROR with its message. Before sending the sizes it returns expired leases of dead
 * workers to the queue, so a failing reap script shows as that tick's error.
 */
export function createQueueMonitorLogic(queue: IngestionQueue, options: QueueMonitorOptions) {
  const { intervalMs, probeTimeoutMs = 2000, logger, now = Date.now } = options;
  return fromCallback(({ sendBack }: { sendBack: (event: ConnectorManagerEvent) => void }) => {
    let running = false;
    let stopped = false;
    let loggedError: string | null = null;
    const tick = async () => {
      if (running) return; // a slow Redis must not pile up overlapping checks
      running = true;
      let timer: NodeJS.Timeout | undefined;
      const read = Promise.resolve().then(() => queue.getStats());
      // The read stays the one in flight until it settles, even after the timeout reported the queue unreachable.
      const settled = read.then(
        () => undefined,
        () => undefined,
      );
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new QueueProbeTimeoutError(probeTimeoutMs)), probeTimeoutMs);
        });
        const stats = await Promise.race([read, timeout]).finally(() => clearTimeout(timer));
        // One verdict per tick: a reap that fails after good stats would otherwise flip the state back and forth.
        await queue.reapExpiredLeases();
        if (stopped) return;
        sendBack({ type: 'QUEUE_STATS', stats, at: now() });
        if (loggedError !== null) logger?.info('ingestion queue answers again', { previous_error: loggedError });
        loggedError = null;
      } catch (error) {
        if (stopped) return;
        const message = error instanceof Error ? error.message : String(error);
        if (isConnectionFailure(error)) {
          sendBack({ type: 'QUEUE_UNREACHABLE', error: message, at: now() });
        } else {
          sendBack({ type: 'QUEUE_ERROR', error: message, at: now() });
          if (loggedError !== message) logger?.error('ingestion queue answered with an error', { error });
          loggedError = message;
        }
      } finally {
        await settled;
        running = false;
      }
    };
    void tick();
    const interval = setInterval(() => void tick(), intervalMs);
    return () => {
      stopped = true;
      clearInterval(interval);
    };
  });
}
