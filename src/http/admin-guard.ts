import { timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { HttpError } from './http-error.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Guards the operations the runbook calls "testing only" (breaker reset, queue clear): a Bearer token equal to
 * `server.admin_token`, or, when no token is configured, a request from the same machine.
 */
export function adminGuard(adminToken: string): Middleware {
  return async (ctx, next) => {
    if (adminToken) {
      const given = Buffer.from(ctx.get('authorization').replace(/^Bearer /, ''));
      const expected = Buffer.from(adminToken);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new HttpError(401, 'ADMIN_TOKEN_REQUIRED', 'this operation needs Authorization: Bearer <server.admin_token>');
      }
    } else if (!LOOPBACK.has(ctx.request.socket.remoteAddress ?? '')) {
      throw new HttpError(403, 'ADMIN_LOOPBACK_ONLY', 'set server.admin_token to allow this operation from other hosts');
    }
    await next();
  };
}
