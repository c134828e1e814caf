import { createServer, type RequestListener, type Server } from 'node:http';
import { type ConnectionLimits, limitConnections } from './connection-limits.ts';

/** How long a connection may take at each stage, in ms. A socket that sends nothing is cut at `headersMs`. */
export interface ServerTimeouts {
  /** From the first byte of a request to the end of its headers. */
  headersMs: number;
  /** From the first byte of a request to the end of its body. */
  requestMs: number;
  /** A kept-alive connection with no request in flight. */
  idleMs: number;
}

/**
 * Webhook-sized bounds. GitHub gives up on a delivery after 10 s (docs: "respond within 10 seconds"), so a request,
 * body included, that has not arrived in 10 s is cut: nobody is waiting for its answer. Headers get 5 s (a few KB).
 * An idle keep-alive connection is closed after 5 s, Node's default, instead of the 75 s issue 13 measured.
 */
export const WEBHOOK_TIMEOUTS: ServerTimeouts = { headersMs: 5_000, requestMs: 10_000, idleMs: 5_000 };

/** How often Node checks the header and request deadlines (its default is 30 s, which let slow headers live 69 s). */
const CHECK_EVERY_MS = 250;

/**
 * The HTTP server for the app's handler, bounded in time (`timeouts`) and in connections (`limits`). `serve` calls
 * `listen` on it. Returns the server and the live connection counts.
 */
export function createHttpServer(handler: RequestListener, limits: ConnectionLimits, timeouts: ServerTimeouts = WEBHOOK_TIMEOUTS) {
  const server: Server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.idleMs,
      connectionsCheckingInterval: Math.min(CHECK_EVERY_MS, timeouts.headersMs),
    },
    (request, response) => {
      // A refused connection already has its 503; a request it sent anyway does no work.
      if (connections.isRefused(request.socket)) request.socket.destroy();
      else handler(request, response);
    },
  );
  const connections = limitConnections(server, limits);
  return { server, connections };
}
