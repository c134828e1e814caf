import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Koa from 'koa';

function rawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/**
 * The baseline of the webhook benchmark: a Koa app that does the least a correct GitHub receiver must do (read the raw
 * body, verify X-Hub-Signature-256 with a constant-time compare, parse the JSON) and answers 202, with nothing recorded.
 */
export function createBareWebhookApp(secret: string): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    const raw = await rawBody(ctx.req);
    const hex = /^sha256=([0-9a-f]{64})$/i.exec(ctx.get('x-hub-signature-256'))?.[1];
    const expected = createHmac('sha256', secret).update(raw).digest();
    const given = Buffer.from(hex ?? '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      ctx.status = 401;
      ctx.body = { error: { code: 'BAD_SIGNATURE' } };
      return;
    }
    const payload = JSON.parse(raw.toString('utf8')) as { commits?: unknown[] };
    ctx.status = 202;
    ctx.body = { accepted: true, changes: payload.commits?.length ?? 0 };
  });
  return app;
}
