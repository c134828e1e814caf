import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/actors/log/logger.ts';
import { QueueCommandError, QueueUnavailableError } from '../../src/actors/queue/queue-errors.ts';
import { errorMiddleware } from '../../src/http/error-middleware.ts';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** An app whose only route throws `error`, behind the error middleware; answers with status and body. */
async function answerTo(error: unknown): Promise<{ status: number; body: unknown }> {
  const app = new Koa();
  app.use(errorMiddleware(quiet));
  app.use(() => {
    throw error;
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return { status: response.status, body: await response.json() };
}

describe('the error middleware', () => {
  it('answers a queue that answered with an error 502 QUEUE_ERROR with its message', async () => {
    const reply = Object.assign(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), { name: 'ReplyError' });
    expect(await answerTo(new QueueCommandError(reply))).toEqual({
      status: 502,
      body: { error: { code: 'QUEUE_ERROR', message: 'ingestion queue answered with an error: WRONGTYPE Operation against a key holding the wrong kind of value' } },
    });
  });

  it('answers an unreachable queue 503 QUEUE_UNAVAILABLE without the connection details', async () => {
    expect(await answerTo(new QueueUnavailableError(new Error('connect ECONNREFUSED 10.0.0.5:6379')))).toEqual({
      status: 503,
      body: { error: { code: 'QUEUE_UNAVAILABLE', message: 'the ingestion queue is unreachable; retry later' } },
    });
  });

  it('answers an unknown error 500 INTERNAL without its message', async () => {
    expect(await answerTo(new Error('secret detail'))).toEqual({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal error; see the service log' } } });
  });
});
