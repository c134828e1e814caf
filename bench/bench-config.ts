import { parseConfig } from '../src/config/load-config.ts';
import type { InletConfig } from '../src/config/schema.ts';

/** What a benchmark changes in an otherwise default inlet.yaml. */
export interface BenchConfigOptions {
  /** SQLite file of the embedded queue and stores (a temp dir). */
  storagePath: string;
  /** A local connector named `docs` on this folder; none when absent. */
  docsPath?: string;
  /** `queue.name`; default `ingestion:queue`. */
  queueName?: string;
  /** `redis.url`; the embedded SQLite queue when absent. */
  redisUrl?: string;
  /** `queue.max_size`; default 10000. */
  maxSize?: number;
  /** `stores.graph: neo4j` with these settings; the embedded graph store when absent. The vector store stays embedded. */
  neo4j?: { uri: string; user?: string; password?: string };
  /** A GitHub connector (`kind: github`) against a fake or real API; none when absent. */
  github?: BenchGithubConnector;
}

/** The GitHub connector of the webhook benchmark. */
export interface BenchGithubConnector {
  /** Connector name (a key of `connectors`). */
  name: string;
  owner: string;
  repo: string;
  /** `metadata.api_url`: the fake GitHub's base URL. */
  apiUrl: string;
  /** `webhook_secret`. */
  secret: string;
  /** `metadata.docs_path`. */
  docsPath: string;
}

/** Builds the configuration the way `inlet` does, through `parseConfig`, from YAML text. */
export function createBenchConfig(options: BenchConfigOptions): InletConfig {
  const lines = [
    'queue:',
    `  name: ${JSON.stringify(options.queueName ?? 'ingestion:queue')}`,
    `  max_size: ${options.maxSize ?? 10_000}`,
    'storage:',
    `  path: ${JSON.stringify(options.storagePath)}`,
    'server:',
    '  host: "127.0.0.1"',
    '  port: 0',
  ];
  if (options.redisUrl) lines.push('redis:', `  url: ${JSON.stringify(options.redisUrl)}`);
  const neo = options.neo4j;
  if (neo) {
    lines.push('stores:', '  graph: neo4j', '  vector: embedded', '  neo4j:', `    uri: ${JSON.stringify(neo.uri)}`);
    if (neo.user) lines.push(`    user: ${JSON.stringify(neo.user)}`);
    if (neo.password) lines.push(`    password: ${JSON.stringify(neo.password)}`);
  }
  if (options.docsPath || options.github) lines.push('connectors:');
  if (options.docsPath) {
    lines.push('  docs:', '    kind: local', '    metadata:', `      path: ${JSON.stringify(options.docsPath)}`);
  }
  const gh = options.github;
  if (gh) {
    lines.push(
      `  ${gh.name}:`,
      '    kind: github',
      // Large: between pushes only the webhooks trigger polls, as with GitHub's recommended set-up.
      '    poll_interval_seconds: 3600',
      `    webhook_secret: ${JSON.stringify(gh.secret)}`,
      // Any token: the fake does not check it, and with one the connector keeps the authenticated rate-limit reserve.
      '    token: "bench-token"',
      '    metadata:',
      `      owner: ${JSON.stringify(gh.owner)}`,
      `      repo: ${JSON.stringify(gh.repo)}`,
      `      docs_path: ${JSON.stringify(gh.docsPath)}`,
      `      api_url: ${JSON.stringify(gh.apiUrl)}`,
    );
  }
  return parseConfig(`${lines.join('\n')}\n`, 'bench', {});
}
