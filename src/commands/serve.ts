import type { Server } from 'node:http';
import { describeService } from '../actors/inspect/inspector-page.ts';
import { isLoopback } from '../actors/inspect/is-loopback.ts';
import type { RunningInspector } from '../actors/inspect/start-inspector.ts';
import { createLogger } from '../actors/log/logger.ts';
import { createRateLimitedLog } from '../actors/log/rate-limited-log.ts';
import { createSecretScrubber } from '../actors/log/secret-scrubber.ts';
import { createMcpServer, inletVersion, mcpDepsOf } from '../actors/mcp/index.ts';
import { ConnectorManager } from '../actors/system/connector-manager.ts';
import { redactHealthReport } from '../actors/system/health-report.ts';
import { ConfigError } from '../config/config-error.ts';
import { secretsOf } from '../config/load-config.ts';
import { resolveRunOptions } from '../config/run-options.ts';
import type { InletConfig } from '../config/schema.ts';
import { createApp } from '../http/create-app.ts';
import { createHttpServer } from '../http/create-http-server.ts';
import { McpSessions } from '../http/mcp-sessions.ts';
import { securityWarningOf } from './security-warning.ts';

/** What `serve` runs with. */
export interface ServeOptions {
  config: InletConfig;
  /** The file `config` came from, for error messages. */
  configFile: string;
  flags: { inspect: boolean };
  env: Record<string, string | undefined>;
  /** `serve`: connectors, workers and the API; `worker`: workers only. */
  role: 'serve' | 'worker';
}

/**
 * `inlet serve` (the default): connectors, workers and the HTTP API in one process. `inlet worker` runs the workers
 * only, for scaling out next to one API process. SIGTERM/SIGINT stop polling, finish the batches in hand and exit 0.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const { config, role } = options;
  const run = resolveRunOptions(options.flags, options.env);
  if (run.inspect && !isLoopback(config.server.host) && !config.server.admin_token) {
    // The relay shows every event the actors handle, webhook payloads included: off this machine only with a token.
    throw new ConfigError(options.configFile, [
      `server.admin_token: required for --inspect when server.host is ${config.server.host} (not loopback); set it (or INLET_ADMIN_TOKEN), or set server.host to 127.0.0.1`,
    ]);
  }
  // secretsOf predates server.read_token.
  const secrets = [...secretsOf(config), config.server.read_token].filter((value) => value !== '');
  const logger = createLogger({ level: config.log.level, secrets });
  const scrub = createSecretScrubber(secrets);
  const { host, admin_token: adminToken, read_token: readToken } = config.server;
  const warning = role === 'serve' ? securityWarningOf(config.server) : undefined;
  if (warning) logger.warn(warning);
  let manager: ConnectorManager | undefined;
  let inspector: RunningInspector | undefined;
  if (run.inspect) {
    // The inspector (and its WebSocket stack) and ioredis load only when used: the embedded default stays small.
    const { startInspector } = await import('../actors/inspect/start-inspector.ts');
    inspector = await startInspector({
      host: config.server.host,
      port: run.inspectPort,
      token: config.server.admin_token,
      describe: async () => {
        const report = await manager?.health();
        return describeService(report && redactHealthReport(report, scrub));
      },
    });
    logger.info('Stately inspector relay listening: open it in a browser with internet access', { address: inspector.address });
  }
  const redis = config.redis.url ? (await import('../actors/system/connect-redis.ts')).connectRedis(config, logger) : null;
  manager = new ConnectorManager(redis, config, {
    logger,
    inspect: inspector?.inspect,
    connectors: role === 'worker' ? [] : undefined,
  });
  await manager.start();
  let server: Server | undefined;
  // Refused requests and connections from anonymous clients: counted, one line per cause per minute.
  const refusals = createRateLimitedLog(logger);
  let mcp: McpSessions | undefined;
  if (role === 'serve') {
    const search = (query: Parameters<ConnectorManager['search']>[0]) => manager!.search(query);
    const version = inletVersion();
    // One set of deps for every session: it holds their resource subscriptions, served by one follower of the change feed.
    const mcpDeps = mcpDepsOf(manager, search, logger, scrub);
    mcp = new McpSessions(() => createMcpServer(mcpDeps, version));
    const app = createApp({
      manager,
      logger,
      adminToken,
      readToken,
      bindHost: host,
      trustProxy: config.server.trust_proxy,
      secrets,
      refusals,
      allowUnsignedWebhooks: run.allowUnsignedWebhooks,
      search,
      mcp,
    });
    server = createHttpServer(app.callback(), {
      maxConnections: config.server.max_connections,
      maxPerClient: config.server.max_connections_per_client,
      onRefused: (cause, address) => refusals.warn(`connection refused: too many (${cause})`, { client: address }),
    }).server;
    server.listen(config.server.port, host);
    await new Promise<void>((resolve, reject) => server!.once('listening', resolve).once('error', reject));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    logger.info('listening', { port, pid: process.pid, health: `http://127.0.0.1:${port}/webhooks/health` });
    await manager.startPolling();
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    // Stop accepting first, so no webhook is answered 2xx after its connector stopped.
    const closed = server ? new Promise((resolve) => server!.close(resolve)) : Promise.resolve();
    server?.closeIdleConnections();
    // MCP notification streams never end by themselves: they would hold server.close() open.
    await mcp?.closeAll();
    await manager!.stop();
    await closed;
    redis?.disconnect();
    await inspector?.stop();
    refusals.flush();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
