import { z } from 'zod';
import { confluenceMetadataSchema } from '../actors/sources/confluence/confluence-metadata.ts';
import { gitMetadataSchema } from '../actors/sources/git/git-metadata.ts';
import { githubMetadataSchema } from '../actors/sources/github/github-metadata.ts';
import { localMetadataSchema } from '../actors/sources/local/local-metadata.ts';
import { notionMetadataSchema } from '../actors/sources/notion/notion-metadata.ts';
import { CONNECTOR_KINDS, type ConnectorConfig, type ConnectorKind, connectorSchema, isConnectorKind } from './connector-schema.ts';
import { explainIssues } from './explain-issues.ts';

/** A connector section of a loaded config: its kind resolved, its metadata checked (and defaulted) by its kind's schema. */
export type LoadedConnectorConfig = ConnectorConfig & { kind: ConnectorKind };

/** The section schemas of one kind: enabled, and disabled. */
interface SectionSchemas {
  enabled: z.ZodType<ConnectorConfig>;
  disabled: z.ZodType<ConnectorConfig>;
}

/**
 * A disabled connector's metadata may leave required keys out (a template waiting for its owner and repo), but an
 * unknown key or a wrong value is refused there too: it is still a typo.
 */
function sectionSchemasOf(metadata: z.ZodObject): SectionSchemas {
  return {
    enabled: connectorSchema.extend({ metadata: metadata.prefault({}) }) as z.ZodType<ConnectorConfig>,
    disabled: connectorSchema.extend({ metadata: metadata.partial().prefault({}) }) as z.ZodType<ConnectorConfig>,
  };
}

const SECTION_SCHEMAS: Record<ConnectorKind, SectionSchemas> = {
  local: sectionSchemasOf(localMetadataSchema),
  github: sectionSchemasOf(githubMetadataSchema),
  notion: sectionSchemasOf(notionMetadataSchema),
  confluence: sectionSchemasOf(confluenceMetadataSchema),
  git: sectionSchemasOf(gitMetadataSchema),
};

/** `connectors`: each section checked against the common keys and its kind's `metadata` schema (the kind defaults to the name). */
export const connectorsSchema = z
  .record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'), z.unknown())
  .default({})
  .transform((sections, ctx) => {
    const connectors: Record<string, LoadedConnectorConfig> = {};
    for (const [name, section] of Object.entries(sections)) {
      const given = isObject(section) ? section.kind : undefined;
      const kind = given === undefined ? (isConnectorKind(name) ? name : undefined) : isConnectorKind(given) ? given : undefined;
      if (given === undefined && kind === undefined) {
        ctx.addIssue({ code: 'custom', path: [name, 'kind'], message: `required when the connector's name is not a kind (${CONNECTOR_KINDS.join(', ')})` });
      }
      const disabled = isObject(section) && (section.enabled === false || section.enabled === 'false');
      // Without a kind the common keys are still checked, so one run reports every problem of the section.
      const schema: z.ZodType<ConnectorConfig> = kind ? SECTION_SCHEMAS[kind][disabled ? 'disabled' : 'enabled'] : connectorSchema;
      const result = schema.safeParse(section);
      if (!result.success) {
        for (const problem of explainIssues(schema, result.error.issues)) ctx.addIssue({ code: 'custom', path: [name, ...problem.path], message: problem.message });
      } else if (kind) {
        connectors[name] = { ...result.data, kind };
      }
    }
    return connectors;
  });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
