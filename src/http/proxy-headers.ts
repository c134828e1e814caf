import type { IncomingHttpHeaders } from 'node:http';

/** Headers a reverse proxy adds; their presence means the TCP peer is not the client. */
export const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/**
 * The first proxy header present, or undefined. Issue 13: through nginx, Caddy or ngrok on the same host every client's
 * TCP peer is 127.0.0.1, so a request carrying one of these is never treated as local.
 */
export function proxyHeaderOf(headers: IncomingHttpHeaders): string | undefined {
  return PROXY_HEADERS.find((name) => headers[name] !== undefined);
}

/** True for a TCP peer address on this machine (`127.0.0.0/8`, `::1`, and their IPv4-mapped form). */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || plain.startsWith('127.');
}
