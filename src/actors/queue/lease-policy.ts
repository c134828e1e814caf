// How leases and their expiries count, shared by both queues.
//
// A worker extends the leases of the batch in hand every lease/3 (create-process-batch-logic.ts), so a lease runs out
// only when its worker died or hung for a whole lease. Such an expiry is NOT a failed attempt: the event may be
// healthy and its worker killed for an unrelated reason (a deploy, an OOM caused by a neighbour in the batch). It is
// counted separately, against a higher limit, so an event that kills every worker that takes it still reaches the
// dead letters instead of crashing workers forever, while a batch caught in a few restarts does not (issue 11).
// A late ack (the worker finished after its lease was reaped) removes the event wherever it is: the work committed.

/** Reason prefix of an event dead-lettered because its lease expired too often (`lease expired 10 times`). */
export const REAPED_REASON = 'lease expired';

/** Lease expiries before an event is dead-lettered, when `QueueOptions.maxLeaseExpiries` is not set: twice `max_attempts`, at least 10. */
export function defaultMaxLeaseExpiries(maxAttempts: number): number {
  return Math.max(10, 2 * maxAttempts);
}

/** A claim receipt: the event's id in the queue and the token of the claim that holds its lease. */
export function formatReceipt(id: string | number, token: string): string {
  return `${id}:${token}`;
}

/** Splits a receipt made by `formatReceipt`. */
export function parseReceipt(receipt: string): { id: string; token: string } {
  const colon = receipt.indexOf(':');
  return colon < 0 ? { id: receipt, token: '' } : { id: receipt.slice(0, colon), token: receipt.slice(colon + 1) };
}
