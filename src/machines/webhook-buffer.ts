/** A webhook delivery handed to a connector as a message; `payload` is the parsed body, already verified by the route. */
export interface WebhookMessage {
  deliveryId: string;
  event: string;
  payload: unknown;
  /**
   * Deliveries with the same key say the same thing to the next poll (GitHub: "the branch moved"; Notion, Confluence:
   * "look at page X"), so a buffered one is replaced by the newer one instead of queueing both. Without a key, every
   * delivery is kept.
   */
  coalesceKey?: string;
  /**
   * When the HTTP route received the delivery (ISO 8601), set by the route, not the machine: the "seen" time of the
   * changes the poll it triggers finds (issue 14, `inlet_change_to_searchable_seconds{trigger="webhook"}`).
   */
  receivedAt?: string;
}

/** The buffer of deliveries waiting for the next poll; the first `inFlight` were handed to the running poll. */
export interface WebhookBuffer {
  pending: readonly WebhookMessage[];
  inFlight: number;
  max: number;
}

/**
 * Where `message` would go: the index of the waiting delivery it replaces, or -1 when it needs a new place. Deliveries a
 * running poll already took are never replaced: the poll may have read them before this one's news.
 */
function replaceableIndex(buffer: WebhookBuffer, message: WebhookMessage): number {
  if (message.coalesceKey === undefined) return -1;
  for (let i = buffer.pending.length - 1; i >= buffer.inFlight; i--) if (buffer.pending[i].coalesceKey === message.coalesceKey) return i;
  return -1;
}

/** True when the buffer can take `message`: it replaces a waiting delivery, or there is room for one more. */
export function canBufferWebhook(buffer: WebhookBuffer, message: WebhookMessage): boolean {
  return buffer.pending.length < buffer.max || replaceableIndex(buffer, message) >= 0;
}

/**
 * The buffer with `messages` added at the end in order, each having replaced the waiting delivery with its key, if
 * any; `coalesced` counts the replacements. Room is not checked here: see `canBufferWebhook`.
 */
export function bufferWebhooks(buffer: WebhookBuffer, messages: readonly WebhookMessage[]): { pending: WebhookMessage[]; coalesced: number } {
  const pending = [...buffer.pending];
  let coalesced = 0;
  for (const message of messages) {
    const replaced = replaceableIndex({ ...buffer, pending }, message);
    if (replaced >= 0) {
      // The news was first seen when the replaced delivery arrived: the freshness clock runs from then.
      const [older] = pending.splice(replaced, 1);
      coalesced++;
      pending.push({ ...message, ...(older.receivedAt !== undefined && { receivedAt: earliest(older.receivedAt, message.receivedAt) }) });
      continue;
    }
    pending.push(message);
  }
  return { pending, coalesced };
}

/** The earlier of two times from `toISOString()` (fixed-width UTC, so string order is time order); `b` may be absent. */
function earliest(a: string, b: string | undefined): string {
  return b === undefined || a <= b ? a : b;
}
