import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { foreignSiteOf, isLoopbackPeer, proxyHeaderOf } from '../../http/proxy-headers.ts';
import { sameSecret } from '../../http/same-secret.ts';
import { inspectorPage } from './inspector-page.ts';
import { isLoopback } from './is-loopback.ts';

/** Inspection events kept for a browser that connects late (the Stately relay's own figure). */
const REPLAY_EVENTS = 200;

/** Where and how the relay listens. */
export interface InspectorRelayOptions {
  /** Bind address: `server.host`. */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  /**
   * `server.admin_token`: required as `?token=` or `Authorization: Bearer` on every request when non-empty. Empty: the
   * relay must be bound to loopback, and answers only loopback peers without proxy headers.
   */
  token: string;
  /** The service's state in plain words, shown on the page. */
  describe: () => Promise<string>;
}

/** A listening relay. */
export interface InspectorRelay {
  /** The port it listens on. */
  port: number;
  /** The WebSocket URL the service's own inspector sends its events to (with the token). */
  feedUrl: string;
  /** The address to open in a browser (without the token, which the user adds). */
  address: string;
  stop(): Promise<void>;
}

/**
 * The relay between the service's inspector and the browser showing the Stately inspector: a page and a WebSocket
 * that fans the service's inspection events out to every open page. It replaces @statelyai/inspect's own relay,
 * which listens on every interface with no authentication.
 */
export async function startInspectorRelay(options: InspectorRelayOptions): Promise<InspectorRelay> {
  if (!options.token && !isLoopback(options.host)) {
    // The events carry webhook payloads and document text: the admin role's (issue 13).
    throw new Error(`the inspector relay needs server.admin_token to listen on ${options.host}; set it, or bind to 127.0.0.1`);
  }
  // Without a token, a same-host proxy would make every client local: its headers close the door (issue 13).
  const authorized = (request: IncomingMessage) =>
    options.token ? sameSecret(tokenOf(request), options.token) : isLoopbackPeer(request.socket.remoteAddress) && !proxyHeaderOf(request.headers) && !foreignSiteOf(request.headers);
  const wsPath = options.token ? `/?token=${encodeURIComponent(options.token)}` : '/';

  const http = createServer((request, response) => {
    if (!authorized(request)) {
      const [status, error] = options.token
        ? [401, { code: 'ADMIN_TOKEN_REQUIRED', message: 'open this page as /?token=<server.admin_token>' }]
        : [403, { code: 'LOOPBACK_ONLY', message: 'without server.admin_token the inspector answers only this machine, not through a proxy; set server.admin_token' }];
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error }));
      return;
    }
    options.describe().then(
      (state) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        response.end(inspectorPage(state, wsPath));
      },
      (error: Error) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'STATE_UNAVAILABLE', message: error.message } }));
      },
    );
  });
  const sockets = new WebSocketServer({ server: http, verifyClient: ({ req }: { req: IncomingMessage }) => authorized(req) });
  const replay: string[] = [];
  sockets.on('connection', (socket) => {
    for (const message of replay) socket.send(message);
    socket.on('message', (data) => {
      const message = data.toString();
      replay.push(message);
      if (replay.length > REPLAY_EVENTS) replay.shift();
      for (const client of sockets.clients) if (client !== socket && client.readyState === WebSocket.OPEN) client.send(message);
    });
  });

  await new Promise<void>((resolve, reject) => http.once('error', reject).listen(options.port, options.host, resolve));
  const { port } = http.address() as AddressInfo;
  // A wildcard bind is reached through loopback from this process.
  const reach = ['0.0.0.0', '::', ''].includes(options.host) ? '127.0.0.1' : options.host;
  const hostInUrl = reach.includes(':') ? `[${reach}]` : reach;
  return {
    port,
    feedUrl: `ws://${hostInUrl}:${port}${wsPath}`,
    address: `http://${hostInUrl}:${port}/${options.token ? '?token=<server.admin_token>' : ''}`,
    stop: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

function tokenOf(request: IncomingMessage): string {
  const bearer = request.headers.authorization?.replace(/^Bearer /, '');
  if (bearer) return bearer;
  return new URL(request.url ?? '/', 'http://relay').searchParams.get('token') ?? '';
}
