import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Caps on the connections one server holds at once. */
export interface ConnectionLimits {
  /** Over all clients (`server.max_connections`). */
  maxConnections: number;
  /** Per client address, the TCP peer (`server.max_connections_per_client`). */
  maxPerClient: number;
  /** Told about each refused connection: `total` or `per_client`, and the peer address. */
  onRefused?: (cause: 'total' | 'per_client', address: string) => void;
}

/** What a refused connection reads before it is closed: a complete HTTP answer, so clients see why. */
const REFUSAL = 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: application/json\r\nRetry-After: 1\r\n';

/**
 * Counts open connections on the `connection` event and closes those over a cap with a 503 before any byte is read.
 * Issue 13: 500 slow connections from one client were all held. The peer address is the TCP one: per-client caps
 * come before any header, so they never trust X-Forwarded-For (behind a proxy, the proxy is one client).
 * Returns the live counts (for tests and health) and which sockets were refused.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): LiveConnections {
  const perClient = new Map<string, number>();
  const refused = new WeakSet<Socket>();
  let total = 0;
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const fromClient = perClient.get(address) ?? 0;
    const cause = total >= limits.maxConnections ? 'total' : fromClient >= limits.maxPerClient ? 'per_client' : undefined;
    if (cause) {
      refused.add(socket);
      limits.onRefused?.(cause, address);
      const body = JSON.stringify({ error: { code: 'TOO_MANY_CONNECTIONS', message: cause === 'total' ? 'the server holds too many connections; retry later' : 'too many connections from your address; retry later' } });
      socket.end(`${REFUSAL}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      // A client that never reads must not hold the refused socket either.
      socket.setTimeout(1000, () => socket.destroy());
      return;
    }
    total += 1;
    perClient.set(address, fromClient + 1);
    socket.once('close', () => {
      total -= 1;
      const left = (perClient.get(address) ?? 1) - 1;
      if (left <= 0) perClient.delete(address);
      else perClient.set(address, left);
    });
  });
  return { open: () => total, openFrom: (address) => perClient.get(address) ?? 0, isRefused: (socket) => refused.has(socket) };
}

/** The live counts of `limitConnections`. */
export interface LiveConnections {
  /** Connections held now. */
  open(): number;
  /** Connections held now from one peer address. */
  openFrom(address: string): number;
  /**
   * True for a socket this module refused: the HTTP parser is already attached when the `connection` event reaches
   * us, so a request the client sent at once is still parsed; the handler must not run it.
   */
  isRefused(socket: Socket): boolean;
}
