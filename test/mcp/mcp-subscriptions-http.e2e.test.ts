import type { Server } from 'node:http';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ChangeFeed, RedisChangeFeed, SqliteChangeFeed } from '../../src/actors/changes/index.ts';
import { silentLogger } from '../../src/actors/log/logger.ts';
import { createSecretScrubber } from '../../src/actors/log/secret-scrubber.ts';
import { createMcpServer, type McpDeps, mcpDepsOf } from '../../src/actors/mcp/index.ts';
import { createApp } from '../../src/http/create-app.ts';
import { McpSessions } from '../../src/http/mcp-sessions.ts';
import { eventually, startTempService, type TempService } from '../support/temp-service.ts';

const READ_TOKEN = 'mcp-subscriptions-read-token';
const redisUrl = inject('redisUrl');
const uriOf = (docId: string) => `inlet://documents/${encodeURIComponent(docId)}`;

// On Redis when the run has one (the feed is a stream tailed with XREAD BLOCK), else on the SQLite file (a short poll).
describe(`resource subscriptions over Streamable HTTP (${redisUrl ? 'redis' : 'sqlite'} change feed)`, () => {
  let service: TempService;
  let server: Server;
  let sessions: McpSessions;
  let deps: McpDeps;
  let url = '';
  const redisClients: Redis[] = [];
  /** The feed as another inlet process sharing the queue's backend sees it: its own connection or file handle. */
  let otherProcess: ChangeFeed;
  let otherDb: Database.Database | undefined;

  beforeAll(async () => {
    const connect = () => {
      const client = new Redis(redisUrl);
      redisClients.push(client);
      return client;
    };
    service = await startTempService({ redis: redisUrl ? connect() : null });
    const { manager } = service;
    const search = (query: Parameters<typeof manager.search>[0]) => manager.search(query);
    deps = mcpDepsOf(manager, search, silentLogger, createSecretScrubber([]));
    sessions = new McpSessions(() => createMcpServer(deps, '0.0.0-test'), { idleMs: 60_000, graceMs: 200 });
    const app = createApp({ manager, logger: silentLogger, adminToken: '', readToken: READ_TOKEN, bindHost: '127.0.0.1', search, mcp: sessions });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/mcp`;
    if (redisUrl) {
      otherProcess = new RedisChangeFeed(connect(), `{${service.config.queue.name}}`, connect);
    } else {
      otherDb = new Database(service.config.storage.path);
      otherProcess = new SqliteChangeFeed(otherDb);
    }
  });

  afterAll(async () => {
    await sessions?.closeAll();
    await new Promise((resolve) => server?.close(resolve));
    if (redisUrl && service) await redisClients[0].del(`{${service.config.queue.name}}:changes`, `{${service.config.queue.name}}:changes:last-commit`);
    otherDb?.close();
    await service?.stop();
    for (const client of redisClients) client.disconnect();
  });

  const connect = async () => {
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${READ_TOKEN}` } } });
    const client = new Client({ name: 'inlet-test', version: '1.0.0' });
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updated.push(notification.params.uri);
    });
    await client.connect(transport);
    return { client, transport, updated };
  };

  it('tells the subscribed session of a change a worker of this process commits, and of one another process commits', async () => {
    writeFileSync(join(service.docs, 'runbook.md'), '# Runbook\n\nStep one.\n');
    const watcher = await connect();
    const bystander = await connect();
    await eventually('runbook.md ingested', async () => (await watcher.client.readResource({ uri: uriOf('docs:runbook.md') }).catch(() => null)) !== null, 15_000);
    await watcher.client.subscribeResource({ uri: uriOf('docs:runbook.md') });
    expect(deps.subscriptions?.size).toBe(1);

    // A worker of this process: the connector sees the edit, the worker commits it to both stores and the feed.
    writeFileSync(join(service.docs, 'runbook.md'), '# Runbook\n\nStep one, then two.\n');
    await eventually('the update from this process', () => watcher.updated.includes(uriOf('docs:runbook.md')), 15_000);
    // A worker elsewhere (another host on the same Redis, or another process on the same file) commits a delete.
    watcher.updated.length = 0;
    await otherProcess.append([{ docId: 'docs:runbook.md', source: 'docs', kind: 'delete', path: 'runbook.md' }]);
    await eventually('the update from another process', () => watcher.updated.includes(uriOf('docs:runbook.md')), 10_000);
    expect(bystander.updated).toEqual([]);

    // A session that ends takes its subscriptions with it.
    await watcher.transport.terminateSession();
    await watcher.client.close();
    await eventually('the subscription dropped', () => deps.subscriptions?.size === 0, 5_000);
    await bystander.transport.terminateSession();
    await bystander.client.close();
    unlinkSync(join(service.docs, 'runbook.md'));
  });
});
