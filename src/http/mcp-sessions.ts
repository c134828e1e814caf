import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** How long a session with no request and no open stream lives (ms): a client that vanished without DELETE. */
export const MCP_IDLE_MS = 30 * 60_000;
/** How long after its notification stream (GET) dropped a session waits for the client to come back (ms). */
export const MCP_RECONNECT_GRACE_MS = 10_000;
/** Most sessions open at once: each holds a server and a transport for up to `MCP_IDLE_MS`, so they are bounded. */
export const MCP_MAX_SESSIONS = 100;

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  timer?: NodeJS.Timeout;
  /** Notification streams (GET) open now: while one is, the session is in use and never idles out. */
  streams: number;
}

/**
 * The Streamable HTTP sessions of `/mcp`: one MCP server and transport per session id. A session ends, and its server
 * and transport are freed, on DELETE (the transport answers it), when the client's notification stream drops and it
 * does not come back within `MCP_RECONNECT_GRACE_MS`, after `MCP_IDLE_MS` without a request, or at `closeAll`.
 */
export class McpSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly createServer: () => McpServer,
    private readonly timing: { idleMs: number; graceMs: number } = { idleMs: MCP_IDLE_MS, graceMs: MCP_RECONNECT_GRACE_MS },
  ) {}

  /** Sessions open now. */
  get size(): number {
    return this.sessions.size;
  }

  /** The session's transport, its idle clock stopped while the caller serves a request; undefined for an unknown id. */
  get(sessionId: string): StreamableHTTPServerTransport | undefined {
    const session = this.sessions.get(sessionId);
    if (session) clearTimeout(session.timer);
    return session?.transport;
  }

  /** A transport for a new session (its id is assigned when it answers the initialize request) and its server, connected. */
  async open(): Promise<StreamableHTTPServerTransport> {
    const server = this.createServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, server, streams: 0 });
      },
    });
    transport.onclose = () => {
      const id = transport.sessionId;
      const session = id === undefined ? undefined : this.sessions.get(id);
      if (!session || session.transport !== transport) return;
      clearTimeout(session.timer);
      this.sessions.delete(id!);
      void server.close().catch(() => undefined);
    };
    await server.connect(transport);
    return transport;
  }

  /** A notification stream (GET) of the session opened. */
  streamOpened(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session) session.streams++;
  }

  /** A request of the session ended: `stream` when it was its notification stream (GET), which means the client left. */
  settled(sessionId: string, stream: boolean): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    clearTimeout(session.timer);
    if (stream) session.streams = Math.max(0, session.streams - 1);
    // Another stream still open (a reconnect that arrived before the old stream closed): the client is there.
    if (session.streams > 0) return;
    session.timer = setTimeout(() => void session.transport.close(), stream ? this.timing.graceMs : this.timing.idleMs);
    session.timer.unref();
  }

  /** Closes every session (the service is stopping): their streams end, so the HTTP server can close. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.transport.close()));
  }
}
