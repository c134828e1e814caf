import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Middleware } from 'koa';
import { HttpError } from './http-error.ts';
import { MCP_MAX_SESSIONS, type McpSessions } from './mcp-sessions.ts';
import { readRawBody } from './read-raw-body.ts';

/** Largest JSON-RPC message accepted on `/mcp` (bytes): tool arguments are a query and a few ids. */
const MCP_BODY_CAP_BYTES = 1024 * 1024;

/**
 * `/mcp`, MCP's Streamable HTTP transport (POST messages, GET the notification stream, DELETE the session), stateful:
 * an initialize request without a session id opens a session, every other request names its `Mcp-Session-Id`. The
 * SDK's transport writes the answer to the Node response itself, so Koa stands aside (`ctx.respond = false`).
 */
export function createMcpRoute(sessions: McpSessions): Middleware {
  return async (ctx) => {
    const sessionId = ctx.get('mcp-session-id');
    const body = ctx.method === 'POST' ? parseJson(await readRawBody(ctx.req, MCP_BODY_CAP_BYTES)) : undefined;
    let transport = sessionId ? sessions.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId) throw new HttpError(404, 'UNKNOWN_MCP_SESSION', 'no such MCP session (it ended or expired): initialize a new one');
      if (ctx.method !== 'POST' || !isInitializeRequest(body)) {
        throw new HttpError(400, 'MCP_SESSION_REQUIRED', 'send an initialize request first, then the Mcp-Session-Id header it answers with');
      }
      if (sessions.size >= MCP_MAX_SESSIONS) {
        ctx.set('Retry-After', '60');
        throw new HttpError(503, 'TOO_MANY_MCP_SESSIONS', `${MCP_MAX_SESSIONS} MCP sessions are open; end one with DELETE /mcp or retry later`);
      }
      transport = await sessions.open();
    }
    ctx.respond = false;
    const stream = ctx.method === 'GET';
    if (stream && sessionId) sessions.streamOpened(sessionId);
    ctx.res.once('close', () => {
      const id = transport.sessionId;
      if (id !== undefined) sessions.settled(id, stream);
    });
    await transport.handleRequest(ctx.req, ctx.res, body);
  };
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'BAD_JSON', 'the body is not JSON: /mcp takes JSON-RPC messages');
  }
}
