import type { GuardedCall } from './document-source.ts';

/** The calls of a client whose methods take the request's signal first, as a poll makes them: without the signal. */
export type Guarded<Client> = {
  [K in keyof Client as Client[K] extends (signal: AbortSignal | undefined, ...args: never[]) => Promise<unknown> ? K : never]: Client[K] extends (
    signal: AbortSignal | undefined,
    ...args: infer A
  ) => Promise<infer R>
    ? (...args: A) => Promise<R>
    : never;
};

/**
 * Routes the named calls of `client` through the connector's circuit breaker (`guard`), so a poll cannot reach a
 * source around it; the guard hands each call the signal of the poll (aborted when the poll is abandoned).
 */
export function guarded<Client extends object>(client: Client, calls: readonly (keyof Guarded<Client> & keyof Client)[], guard: GuardedCall): Guarded<Client> {
  const call = (name: keyof Client) => (client[name] as (signal: AbortSignal | undefined, ...args: unknown[]) => Promise<unknown>).bind(client);
  return Object.fromEntries(calls.map((name) => [name, (...args: unknown[]) => guard((signal) => call(name)(signal, ...args))])) as Guarded<Client>;
}
