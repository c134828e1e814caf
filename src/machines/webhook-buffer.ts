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
      pending.splice(replaced, 1);
      coalesced++;
    }
    pending.push(message);
  }
  return { pending, coalesced };
}
