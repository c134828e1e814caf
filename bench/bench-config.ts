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
  /** `queue.max_size`; default 10000. */
  maxSize?: number;
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
  if (options.docsPath) {
    lines.push('connectors:', '  docs:', '    kind: local', '    metadata:', `      path: ${JSON.stringify(options.docsPath)}`);
  }
  return parseConfig(`${lines.join('\n')}\n`, 'bench', {});
}
