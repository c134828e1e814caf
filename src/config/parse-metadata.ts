import type { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { explainIssues, formatProblem } from './explain-issues.ts';

/**
 * A connector's `metadata` checked against its kind's schema. A loaded config has passed this already (so it cannot
 * fail there); a section built in code (`connectorSchema.parse`) gets the same checks and the same problem lines.
 */
export function parseMetadata<S extends z.ZodType>(schema: S, name: string, metadata: unknown): z.output<S> {
  const result = schema.safeParse(metadata ?? {});
  if (result.success) return result.data;
  const problems = explainIssues(schema, result.error.issues).map((p) => formatProblem({ ...p, path: ['connectors', name, 'metadata', ...p.path] }));
  throw new ConfigError(`connectors.${name}`, problems);
}
