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

/**
 * Why a request that reached a loopback socket may still come from a web page elsewhere, or undefined when it does not:
 * a `Host` that is not a loopback name (DNS rebinding: attacker.example resolved to 127.0.0.1) or an `Origin` that is
 * not a loopback page (a browser sends the page's origin on cross-site requests and on every WebSocket). The tokenless
 * loopback door is for local tools (curl, the CLI), so either closes it.
 */
export function foreignSiteOf(headers: IncomingHttpHeaders): string | undefined {
  const host = headers.host ?? '';
  if (!isLoopbackName(host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'))) return `the Host header names ${host || 'nothing'}, not this machine`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  let hostname: string;
  try {
    hostname = new URL(origin).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return `the request came from the page ${origin}`;
  }
  return isLoopbackName(hostname) ? undefined : `the request came from the page ${origin}`;
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}
