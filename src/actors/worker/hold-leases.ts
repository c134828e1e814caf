import type { ClaimedEvent, IngestionQueue } from '../queue/ingestion-queue.ts';

/**
 * Runs `work` while extending the leases of `items` every third of the queue's lease, so a batch slower than one lease
 * (a slow embedder, 429 retries) is not reaped and redelivered while its worker is alive (issue 11); only a worker that
 * died or hung for a whole lease loses its batch. Leases reported lost are no longer extended and go to `onLost`.
 */
export async function whileHoldingLeases<T>(
  queue: IngestionQueue,
  items: readonly ClaimedEvent[],
  work: () => Promise<T>,
  onLost: (lost: ClaimedEvent[]) => void = () => {},
): Promise<T> {
  let holding = [...items];
  let extending = false;
  const extend = async () => {
    if (extending || holding.length === 0) return; // a slow queue must not pile up overlapping extensions
    extending = true;
    try {
      const lost = new Set(await queue.extendLeases(holding));
      if (lost.size > 0) {
        holding = holding.filter((c) => !lost.has(c));
        onLost([...lost]);
      }
    } catch {
      // Queue unreachable: the lease still runs for at least two more periods, and the next tick tries again.
    } finally {
      extending = false;
    }
  };
  const timer = setInterval(() => void extend(), Math.max(1, Math.floor(queue.leaseMs / 3)));
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
