import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import { problemsOf } from './problems-of.ts';

const localDocs = (keys: string) => `connectors:\n  docs:\n    kind: local\n${keys}    metadata: { path: ./docs }\n`;

describe('unknown keys in inlet.yaml', () => {
  it("names each of the issue's typos with its full path and the key it most likely meant", () => {
    expect(problemsOf('queue:\n  max_sise: 5000\n')).toEqual(['queue.max_sise: unknown key (did you mean max_size?)']);
    expect(problemsOf('connectors:\n  github:\n    circuit_breaker_enable: false\n    metadata: { owner: o, repo: r }\n')).toEqual([
      'connectors.github.circuit_breaker_enable: unknown key (did you mean circuit_breaker_enabled?)',
    ]);
    expect(problemsOf('server:\n  admin_tokn: secret\n')).toEqual(['server.admin_tokn: unknown key (did you mean admin_token?)']);
    expect(problemsOf(localDocs('    poll_intervall_seconds: 30\n'))).toEqual([
      'connectors.docs.poll_intervall_seconds: unknown key (did you mean poll_interval_seconds?)',
    ]);
  });

  it('says only "unknown key" when no valid key is close', () => {
    expect(problemsOf('server:\n  colour: blue\n')).toEqual(['server.colour: unknown key']);
    expect(problemsOf('flavour: vanilla\n')).toEqual(['flavour: unknown key']);
  });

  it('refuses unknown keys in every section, nested ones included', () => {
    expect(
      problemsOf(`conectors: {}
redis: { urll: "redis://x" }
storage: { paht: a.db }
stores:
  graf: neo4j
  neo4j: { usr: neo4j }
  qdrant: { colection: c }
embedder: { modle: m }
worker: { cuont: 2 }
log: { levl: debug }
`),
    ).toEqual([
      'redis.urll: unknown key (did you mean url?)',
      'storage.paht: unknown key (did you mean path?)',
      'stores.neo4j.usr: unknown key (did you mean user?)',
      'stores.qdrant.colection: unknown key (did you mean collection?)',
      'stores.graf: unknown key (did you mean graph?)',
      'embedder.modle: unknown key (did you mean model?)',
      'worker.cuont: unknown key (did you mean count?)',
      'log.levl: unknown key (did you mean level?)',
      'conectors: unknown key (did you mean connectors?)',
    ]);
  });

  it('reports every unknown key of one section, each on its own line', () => {
    expect(problemsOf('queue:\n  max_sise: 1\n  lease_secs: 2\n  colour: red\n')).toEqual([
      'queue.max_sise: unknown key (did you mean max_size?)',
      'queue.lease_secs: unknown key',
      'queue.colour: unknown key',
    ]);
  });

  it('suggests a key written in camelCase or cut short', () => {
    expect(problemsOf(localDocs('    pollIntervalSeconds: 30\n'))).toEqual(['connectors.docs.pollIntervalSeconds: unknown key (did you mean poll_interval_seconds?)']);
    expect(problemsOf(localDocs('    timeout_seconds: 30\n'))).toEqual(['connectors.docs.timeout_seconds: unknown key (did you mean circuit_breaker_timeout_seconds?)']);
  });

  it('suggests nothing when a prefix fits several keys', () => {
    expect(problemsOf(localDocs('    circuit_breaker: true\n'))).toEqual(['connectors.docs.circuit_breaker: unknown key']);
  });

  it('keeps the runbook alias max_queue_size working, at the top level and under queue', () => {
    expect(parseConfig('max_queue_size: 20000\n', 'inlet.yaml', {}).queue.max_size).toBe(20_000);
    expect(parseConfig('queue:\n  max_queue_size: 30000\n', 'inlet.yaml', {}).queue.max_size).toBe(30_000);
  });

  it("accepts the repository's inlet.yaml", () => {
    const config = parseConfig(readFileSync(new URL('../../inlet.yaml', import.meta.url), 'utf8'), 'inlet.yaml', {});
    expect(Object.keys(config.connectors)).toEqual(['docs', 'github']);
    expect(config.connectors.github).toMatchObject({ kind: 'github', enabled: false });
  });
});

describe('flags', () => {
  it('say what they expected and what they got', () => {
    expect(problemsOf(localDocs('    enabled: "yes"\n'))).toEqual(['connectors.docs.enabled: expected true or false, got "yes"']);
    expect(problemsOf(localDocs('    circuit_breaker_enabled: 1\n'))).toEqual(['connectors.docs.circuit_breaker_enabled: expected true or false, got 1']);
  });

  it('take true and false, also as the strings a ${VAR} gives', () => {
    const config = parseConfig(localDocs('    enabled: "false"\n    circuit_breaker_enabled: ${BREAKER}\n'), 'inlet.yaml', { BREAKER: 'true' });
    expect(config.connectors.docs).toMatchObject({ enabled: false, circuit_breaker_enabled: true });
  });
});
