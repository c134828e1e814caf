import type { Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/actors/log/logger.ts';
import { createSecretScrubber } from '../../src/actors/log/secret-scrubber.ts';
import { createMcpServer, mcpDepsOf } from '../../src/actors/mcp/index.ts';
import { createApp } from '../../src/http/create-app.ts';
import { MCP_MAX_SESSIONS, McpSessions } from '../../src/http/mcp-sessions.ts';
import { eventually, startTempService, type TempService } from '../support/temp-service.ts';

const READ_TOKEN = 'mcp-test-read-token';
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

describe('/mcp over Streamable HTTP, driven by the SDK client', () => {
  let service: TempService;
  let server: Server;
  let sessions: McpSessions;
  let url = '';

  beforeAll(async () => {
    service = await startTempService();
    const { manager } = service;
    const search = (query: Parameters<typeof manager.search>[0]) => manager.search(query);
    // A short reconnect grace, so a client that leaves is seen to free its session within the test.
    sessions = new McpSessions(() => createMcpServer(mcpDepsOf(manager, search, silentLogger, createSecretScrubber([])), '0.0.0-test'), {
      idleMs: 60_000,
      graceMs: 200,
    });
    const app = createApp({ manager, logger: silentLogger, adminToken: '', readToken: READ_TOKEN, bindHost: '127.0.0.1', search, mcp: sessions });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/mcp`;
  });

  afterAll(async () => {
    await sessions?.closeAll();
    await new Promise((resolve) => server?.close(resolve));
    await service?.stop();
  });

  const connect = async () => {
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${READ_TOKEN}` } } });
    const client = new Client({ name: 'inlet-test', version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
  };

  it('lists the tools, finds a file written moments before, reads it, and answers bad input with a tool error', async () => {
    const { client, transport } = await connect();
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_document', 'list_sources', 'recent_changes', 'related_documents', 'search_docs']);

    writeFileSync(join(service.docs, 'queues.md'), '# Queue tuning\n\nRaise queue.lease_seconds when batches take long.\n');
    const hit = await eventually('queues.md found', async () => {
      const result = (await client.callTool({ name: 'search_docs', arguments: { query: 'queue.lease_seconds', k: 3, source: 'docs' } })) as CallToolResult;
      const hits = (result.structuredContent as { hits: { document_id: string; text: string }[] }).hits;
      return hits.find((h) => h.document_id === 'docs:queues.md');
    });
    expect(hit!.text).toContain('queue.lease_seconds');
    const document = (await client.callTool({ name: 'get_document', arguments: { id: 'docs:queues.md' } })) as CallToolResult;
    expect((document.structuredContent as { markdown: string }).markdown).toBe('# Queue tuning\n\nRaise queue.lease_seconds when batches take long.\n');
    const unknown = (await client.callTool({ name: 'get_document', arguments: { id: 'docs:missing.md' } })) as CallToolResult;
    expect(unknown.isError).toBe(true);
    const tooMany = (await client.callTool({ name: 'search_docs', arguments: { query: 'queue', k: 10_000 } })) as CallToolResult;
    expect(tooMany.isError).toBe(true);

    // DELETE ends the session and frees it.
    expect(sessions.size).toBe(1);
    await transport.terminateSession();
    expect(sessions.size).toBe(0);
    await client.close();
  });

  it('frees the session of a client that disconnects without DELETE', async () => {
    const { client } = await connect();
    await client.listTools();
    await eventually('the notification stream open', () => sessions.size === 1);
    await client.close();
    await eventually('the session freed', () => sessions.size === 0, 5_000);
  });

  it('keeps a session whose notification stream is open when a second stream is refused or closes', async () => {
    const { client, transport } = await connect();
    await client.listTools();
    await eventually('the notification stream open', () => sessions.size === 1);
    // A second GET on the session (a reconnect that came before the old stream closed): the SDK refuses it, and its end
    // must not start the reconnect grace while the first stream is still open.
    const second = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${READ_TOKEN}`,
        'mcp-session-id': transport.sessionId!,
        'mcp-protocol-version': transport.protocolVersion ?? '2025-06-18',
      },
    });
    expect(second.status).toBe(409);
    await second.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 600)); // three graces
    expect(sessions.size).toBe(1);
    expect((await client.listTools()).tools).toHaveLength(5);
    await transport.terminateSession();
    await client.close();
  });

  it('refuses a new session past MCP_MAX_SESSIONS with 503 JSON and Retry-After', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${READ_TOKEN}` };
    const opened: string[] = [];
    for (let i = 0; i < MCP_MAX_SESSIONS; i++) {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(INITIALIZE) });
      expect(response.status).toBe(200);
      opened.push(response.headers.get('mcp-session-id')!);
      await response.body?.cancel();
    }
    const refused = await fetch(url, { method: 'POST', headers, body: JSON.stringify(INITIALIZE) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toMatchObject({ error: { code: 'TOO_MANY_MCP_SESSIONS' } });
    for (const id of opened) await (await fetch(url, { method: 'DELETE', headers: { ...headers, 'mcp-session-id': id } })).body?.cancel();
    expect(sessions.size).toBe(0);
  });

  it('needs the reader token', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(INITIALIZE),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'READ_TOKEN_REQUIRED' } });
    const client = new Client({ name: 'inlet-test', version: '1.0.0' });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(url)))).rejects.toThrow();
    expect(sessions.size).toBe(0);
  });

  it('refuses a foreign Origin with 403 JSON, token or not', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${READ_TOKEN}` };
    const foreign = await fetch(url, { method: 'POST', headers: { ...headers, origin: 'https://attacker.example' }, body: JSON.stringify(INITIALIZE) });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('content-type')).toContain('application/json');
    expect(await foreign.json()).toMatchObject({ error: { code: 'FOREIGN_SITE' } });
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${READ_TOKEN}`, origin: 'http://evil.example:8000' } },
    });
    await expect(new Client({ name: 'inlet-test', version: '1.0.0' }).connect(transport)).rejects.toThrow();
    expect(sessions.size).toBe(0);
  });
});
