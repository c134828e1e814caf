import type { Server } from 'node:http';
import type { Logger } from '../actors/log/logger.ts';
import { type RunningInspector, startInspector } from '../actors/inspect/start-inspector.ts';
import { connectRedis } from '../actors/system/connect-redis.ts';
import { ConnectorManager } from '../actors/system/connector-manager.ts';
import type { RunOptions } from '../config/run-options.ts';
import type { InletConfig } from '../config/schema.ts';
import { createApp } from '../http/create-app.ts';

/**
 * `inlet serve` (the default): connectors, workers and the HTTP API in one process. `inlet worker` runs the workers
 * only, for scaling out next to one API process. SIGTERM/SIGINT stop polling, finish the batches in hand and exit 0.
 */
export async function serve(config: InletConfig, run: RunOptions, logger: Logger, role: 'serve' | 'worker'): Promise<void> {
  let inspector: RunningInspector | undefined;
  if (run.inspect) {
    inspector = startInspector(run.inspectPort);
    logger.info(`Stately inspector: open ${inspector.address} in a browser on this machine`);
    console.log(`Stately inspector relay listening: open ${inspector.address}`);
  }
  const redis = connectRedis(config, logger);
  const manager = new ConnectorManager(redis, config, {
    logger,
    inspect: inspector?.inspect,
    connectors: role === 'worker' ? [] : undefined,
  });
  await manager.start();
  let server: Server | undefined;
  if (role === 'serve') {
    const app = createApp({
      manager,
      logger,
      adminToken: config.server.admin_token,
      allowUnsignedWebhooks: run.allowUnsignedWebhooks,
      search: (query) => manager.search(query),
    });
    server = app.listen(config.server.port, config.server.host);
    await new Promise<void>((resolve, reject) => server!.once('listening', resolve).once('error', reject));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    logger.info('listening', { port, health: `http://127.0.0.1:${port}/webhooks/health` });
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
    await manager.stop();
    await closed;
    redis?.disconnect();
    inspector?.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
