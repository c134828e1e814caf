import { Neo4jError } from 'neo4j-driver';
import { StoreUnavailableError } from './store-errors.ts';

/**
 * `error` as a `StoreUnavailableError` for `store` when Neo4j could not serve the call, else `error` unchanged.
 * Unavailable means what the driver itself calls retryable: ServiceUnavailable (connection refused, no server),
 * SessionExpired, and `Neo.TransientError.*` (deadlock, database starting), left over once the driver's own
 * retries (`maxTransactionRetryTime`) ran out. Syntax, constraint and auth errors stay as they are: retrying the
 * same write would fail the same way.
 */
export function wrapNeo4jError(store: string, error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (error instanceof Neo4jError && Neo4jError.isRetryable(error)) return new StoreUnavailableError(store, error);
  return error;
}
