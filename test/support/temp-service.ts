import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisClient } from '../../src/actors/queue/redis-script.ts';
import type { InspectionEvent, Observer } from 'xstate';
import { silentLogger } from '../../src/actors/log/logger.ts';
import type { Backends } from '../../src/actors/system/backends.ts';
import { ConnectorManager } from '../../src/actors/system/connector-manager.ts';
import { openBackends } from '../../src/actors/system/open-backends.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import type { InletConfig } from '../../src/config/schema.ts';
import { createApp } from '../../src/http/create-app.ts';

/** A running inlet on a temporary docs folder and SQLite file, with its HTTP API on a free port. */
export interface TempService {
  dir: string;
  docs: string;
  config: InletConfig;
  backends: Backends;
  manager: ConnectorManager;
  url: string;
  stop(): Promise<void>;
}

/** Options of a temporary service. */
export interface TempServiceOptions {
  redis?: RedisClient | null;
  /** Extra YAML appended to the generated config (top-level keys other than connectors/storage/queue). */
  yaml?: string;
  /** Extra keys of the `docs` connector, one `key: value` per entry. */
  connector?: string[];
  /** More connectors: YAML indented for the `connectors:` map (`  github:\n    kind: github ...`). */
  connectors?: string;
  /** Extra keys of `queue`, one `key: value` per entry. */
  queue?: string[];
  adminToken?: string;
  workerCount?: number;
  inspect?: Observer<InspectionEvent>;
  startPolling?: boolean;
}

/** Starts a service like `npm start` does, but on temporary paths and a unique queue name. */
export async function startTempService(options: TempServiceOptions = {}): Promise<TempService> {
  const dir = mkdtempSync(join(tmpdir(), 'inlet-e2e-'));
  const docs = join(dir, 'docs');
  mkdirSync(docs);
  const connector = withOverrides(
    ['kind: local', 'poll_interval_seconds: 5', 'backoff_base_seconds: 0.05', 'circuit_breaker_timeout_seconds: 1', `metadata: { path: ${JSON.stringify(docs)} }`],
    options.connector,
  );
  const queue = withOverrides([`name: "test:${randomUUID()}:ingestion:queue"`], options.queue);
  const config = parseConfig(
    `connectors:
  docs:
${connector.map((line) => `    ${line}`).join('\n')}
${options.connectors ?? ''}
queue:
${queue.map((line) => `  ${line}`).join('\n')}
storage:
  path: ${JSON.stringify(join(dir, 'inlet.db'))}
${options.yaml ?? ''}`,
    'temp-service',
    {},
  );
  const backends = await openBackends(options.redis ?? null, config);
  const manager = new ConnectorManager(options.redis ?? null, config, {
    backends,
    monitorIntervalMs: 100,
    claimWaitMs: 100,
    workerCount: options.workerCount,
    inspect: options.inspect,
  });
  await manager.start();
  const app = createApp({ manager, logger: silentLogger, adminToken: options.adminToken ?? '', search: (query) => manager.search(query) });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  if (options.startPolling ?? true) await manager.startPolling();
  return {
    dir,
    docs,
    config,
    backends,
    manager,
    url,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await manager.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes; returns the value or throws with `what`. */
export async function eventually<T>(what: string, check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * The delays (ms) of the timers the actor system holds for one actor (`connector:docs`): all it will do without
 * outside input. Shows that something will NOT happen soon without sleeping to watch for it.
 */
export function pendingTimers(service: TempService, systemId: string): number[] {
  const { system } = service.manager.root;
  const target = system.get(systemId);
  return Object.values(system.getSnapshot()._scheduledEvents)
    .filter((scheduled) => scheduled.target === target)
    .map((scheduled) => scheduled.delay);
}

/** `key: value` lines with later lines replacing earlier ones of the same key. */
function withOverrides(base: string[], overrides: string[] = []): string[] {
  const byKey = new Map<string, string>();
  for (const line of [...base, ...overrides]) byKey.set(line.split(':')[0].trim(), line);
  return [...byKey.values()];
}

/** The JSON body of a response, typed by the caller (tests assert on it; a wrong guess fails there). */
export async function jsonOf<T = Record<string, unknown>>(response: Response | Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}
