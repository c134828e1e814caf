/** Which of a connector's webhook secrets verified a delivery: the first (`current`) or a later one (`previous`). */
export type SecretSlot = 'current' | 'previous';

/**
 * A connector's webhook secrets, current first: `webhook_secret` is one string or a list `[current, previous]`, so a
 * secret can be rotated at the source without refusing deliveries in between. Empty entries are dropped.
 */
export function webhookSecretsOf(config: { webhook_secret: string | readonly string[] }): string[] {
  const secrets = typeof config.webhook_secret === 'string' ? [config.webhook_secret] : config.webhook_secret;
  return secrets.filter((secret) => secret !== '');
}

/**
 * The slot of the secret that `verifies` the delivery, or undefined. Every secret is tried, even after a match, so the
 * time taken says nothing about which one matched (each `verifies` is itself constant-time).
 */
export function matchingSecret(secrets: readonly string[], verifies: (secret: string) => boolean): SecretSlot | undefined {
  let matched: SecretSlot | undefined;
  secrets.forEach((secret, index) => {
    if (verifies(secret) && matched === undefined) matched = index === 0 ? 'current' : 'previous';
  });
  return matched;
}
