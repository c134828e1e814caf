import type { Middleware } from 'koa';
import { isLoopback } from '../actors/inspect/is-loopback.ts';
import { HttpError } from './http-error.ts';
import { foreignSiteOf, isLoopbackPeer } from './proxy-headers.ts';

/**
 * Refuses a request to `/mcp` sent by a web page elsewhere (the MCP transport spec: servers must validate `Origin`
 * against DNS rebinding), whatever token it carries. Bound to loopback, the `Host` must name this machine and an
 * `Origin` must be a loopback page (`foreignSiteOf`: attacker.example rebound to 127.0.0.1 fails the Host check).
 * Bound beyond loopback, the token guards the route and the Host is whatever name the service is reached by; a page
 * may still only call from the service's own origin.
 */
export function createMcpOriginCheck(bindHost: string | undefined): Middleware {
  return async (ctx, next) => {
    const bound = bindHost ?? ctx.req.socket.localAddress ?? '';
    const local = isLoopback(bound) || isLoopbackPeer(bound);
    const foreign = local ? foreignSiteOf(ctx.req.headers) : crossOrigin(ctx.req.headers.origin, ctx.req.headers.host);
    if (foreign) throw new HttpError(403, 'FOREIGN_SITE', `/mcp refuses requests from other sites: ${foreign}`);
    await next();
  };
}

function crossOrigin(origin: string | undefined, host: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  try {
    return new URL(origin).host === host ? undefined : `the request came from the page ${origin}`;
  } catch {
    return `the request came from the page ${origin}`;
  }
}
