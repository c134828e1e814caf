/**
 * Signing keys that a source hands over at run time rather than through inlet.yaml (Notion's verification token),
 * kept so that a restart or another API replica still verifies deliveries.
 */
export interface WebhookSecretStore {
  /** The key saved for `connector`, or null. */
  get(connector: string): Promise<string | null>;
  /** Saves the key (replacing any earlier one). */
  set(connector: string, secret: string): Promise<void>;
  /** Forgets the key (rotation: the source's next verification request stores a new one); true when one was kept. */
  delete(connector: string): Promise<boolean>;
}
