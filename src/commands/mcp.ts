import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createLogger } from '../actors/log/logger.ts';
import { createSecretScrubber } from '../actors/log/secret-scrubber.ts';
import { createMcpServer, inletVersion, mcpDepsOf } from '../actors/mcp/index.ts';
import { ConnectorManager } from '../actors/system/connector-manager.ts';
import { secretsOf } from '../config/load-config.ts';
import type { InletConfig } from '../config/schema.ts';

/** What `inlet mcp` runs with. */
export interface McpCommandOptions {
  config: InletConfig;
}

/**
 * `inlet mcp`: MCP on stdin/stdout, with the configured connectors and workers running in this process (the runbook:
 * connectors start with the MCP server), so an assistant's config line is the whole deployment. No HTTP server: a host
 * starts one process per assistant session, and a second listener on `server.port` would collide with `inlet serve`;
 * webhooks go to a serve process, this one polls and watches. stdout belongs to the protocol: the logger writes to
 * stderr (createLogger's default), and nothing else here prints. The session ends when the client closes stdin (or on
 * SIGTERM/SIGINT): polls stop, the batches in hand finish, the process exits 0.
 */
export async function runMcp(options: McpCommandOptions): Promise<void> {
  const { config } = options;
  const secrets = [...secretsOf(config), config.server.read_token].filter((value) => value !== '');
  const logger = createLogger({ level: config.log.level, secrets });
  const redis = config.redis.url ? (await import('../actors/system/connect-redis.ts')).connectRedis(config, logger) : null;
  const manager = new ConnectorManager(redis, config, { logger });
  const server = createMcpServer(mcpDepsOf(manager, (query) => manager.search(query), logger, createSecretScrubber(secrets)), inletVersion());
  const transport = new StdioServerTransport();

  let stopping = false;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('mcp: stopping', { why });
    await server.close().catch(() => undefined);
    await manager.stop();
    redis?.disconnect();
    logger.info('stopped');
    process.exit(0);
  };
  transport.onclose = () => void shutdown('the client closed the session');
  // The SDK's stdio transport does not watch for the end of stdin: a host that closes the pipe must still end us.
  process.stdin.once('end', () => void shutdown('stdin closed'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  // Answer the client at once; the stores open and the connectors start behind it (the tools wait for the start).
  await server.connect(transport);
  await manager.startPolling();
  logger.info('mcp: serving on stdio', { pid: process.pid, connectors: manager.connectorNames() });
}
