import type { Context, Middleware } from 'koa';
import { isLoopback } from '../actors/inspect/is-loopback.ts';
import type { RateLimitedLog } from '../actors/log/rate-limited-log.ts';
import { HttpError } from './http-error.ts';
import { foreignSiteOf, isLoopbackPeer, proxyHeaderOf } from './proxy-headers.ts';
import { sameSecret } from './same-secret.ts';

/**
 * The protected roles (SECURITY.md). `reader`: search, health details, queue and breaker stats. `admin`: breaker reset,
 * queue clear, dead letters (they hold document content), poll now, the inspector relay; admin includes reader.
 * Everything else (webhooks, /livez, /readyz, the status of /webhooks/health) is public.
 */
export type Role = 'reader' | 'admin';

/** What a request holds: a role, or nothing. */
export type Grant = Role | 'anonymous';

/** Options of `createAccess`. */
export interface AccessOptions {
  /** `server.admin_token`; empty: no admin token. */
  adminToken: string;
  /** `server.read_token`; empty: no read token. */
  readToken: string;
  /**
   * `server.host`, the address the server is bound to. Absent (tests driving `app.callback()`): the local address each
   * connection arrived on, which is weaker: a same-host proxy without proxy headers would pass.
   */
  bindHost?: string;
  /** Where refusals are counted (anonymous clients must not flood the log). */
  refusals?: RateLimitedLog;
}

/** The access model of the HTTP API. */
export interface Access {
  /** What `ctx` holds: its Bearer token's role, else admin through the tokenless loopback door, else anonymous. */
  grantOf(ctx: Context): Grant;
  /** Middleware refusing requests that do not hold `role`: 401 with a token configured, 403 without. */
  require(role: Role): Middleware;
}

const grants = (grant: Grant, role: Role) => grant === 'admin' || grant === role;

/**
 * Tokens are `Authorization: Bearer <token>`, compared in constant time. With no token configured at all, the protected
 * routes answer only when the server is bound to loopback, the peer is loopback, and no proxy header is present: a
 * same-host proxy makes every client look local (issue 13: `X-Forwarded-For: 203.0.113.7` cleared the queue). Once
 * either token is set, every protected route needs a token.
 */
export function createAccess(options: AccessOptions): Access {
  const { adminToken, readToken, bindHost } = options;
  const anyToken = adminToken !== '' || readToken !== '';

  /** Why the tokenless door is shut for this request, or undefined when it is open. */
  const doorShut = (ctx: Context): string | undefined => {
    if (anyToken) return 'a token is configured';
    const bound = bindHost ?? ctx.req.socket.localAddress ?? '';
    if (!isLoopback(bound) && !isLoopbackPeer(bound)) return `the server is bound to ${bound}, not loopback`;
    const proxy = proxyHeaderOf(ctx.req.headers);
    if (proxy) return `the request came through a proxy (${proxy} header), so its client may be anywhere`;
    if (!isLoopbackPeer(ctx.req.socket.remoteAddress)) return 'the client is not on this machine';
    const foreign = foreignSiteOf(ctx.req.headers);
    if (foreign) return foreign;
    return undefined;
  };

  const grantOf = (ctx: Context): Grant => {
    const bearer = /^Bearer (.+)$/i.exec(ctx.get('authorization'))?.[1] ?? '';
    if (bearer && sameSecret(bearer, adminToken)) return 'admin';
    if (bearer && sameSecret(bearer, readToken)) return 'reader';
    return doorShut(ctx) === undefined ? 'admin' : 'anonymous';
  };

  const refusalOf = (ctx: Context, role: Role): HttpError => {
    const keys = role === 'admin' ? 'server.admin_token' : 'server.read_token or server.admin_token';
    const configured = role === 'admin' ? adminToken !== '' : anyToken;
    if (configured) {
      const code = role === 'admin' ? 'ADMIN_TOKEN_REQUIRED' : 'READ_TOKEN_REQUIRED';
      return new HttpError(401, code, `this route needs the ${role} role: send Authorization: Bearer <${keys}>`);
    }
    const env = role === 'admin' ? 'INLET_ADMIN_TOKEN' : 'INLET_READ_TOKEN';
    return new HttpError(403, 'LOOPBACK_ONLY', `this route needs the ${role} role and ${doorShut(ctx) ?? 'no token is set'}: set ${keys} (or ${env}) and send it as a Bearer token`);
  };

  return {
    grantOf,
    require(role) {
      return async (ctx, next) => {
        if (!grants(grantOf(ctx), role)) {
          const refusal = refusalOf(ctx, role);
          options.refusals?.warn(`access refused: ${refusal.code}`, { method: ctx.method, path: ctx.path, client: ctx.ip });
          ctx.set('www-authenticate', 'Bearer');
          throw refusal;
        }
        await next();
      };
    },
  };
}

/** True when `grant` includes `role`. */
export function grantsRole(grant: Grant, role: Role): boolean {
  return grants(grant, role);
}
