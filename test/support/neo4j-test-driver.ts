import neo4j, { type Driver } from 'neo4j-driver';
import { inject } from 'vitest';

/** True when the run has a real Neo4j (NEO4J_URI or the in-process harness, see global-setup.ts). */
export const neo4jAvailable = inject('neo4jUrl') !== '';

/** A driver for the run's Neo4j; the test closes it. */
export function createTestNeo4jDriver(): Driver {
  return neo4j.driver(inject('neo4jUrl'), neo4j.auth.basic(inject('neo4jUser'), inject('neo4jPassword')));
}
