import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type ServerTimeouts, WEBHOOK_TIMEOUTS } from '../../src/http/create-http-server.ts';

let handled = 0;
/** Reads the whole body before answering, as the webhook routes do. */
const readsBody = (request: IncomingMessage, response: ServerResponse) => {
  handled += 1;
  request.resume();
  request.on('end', () => response.end('ok'));
};

let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function start(timeouts: ServerTimeouts, limits = { maxConnections: 100, maxPerClient: 100 }) {
  const refused: string[] = [];
  const created = createHttpServer(readsBody, { ...limits, onRefused: (cause) => refused.push(cause) }, timeouts);
  server = created.server;
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, refused, connections: created.connections };
}

/** A raw client: what it received and when the server closed it (ms after connecting). */
function client(port: number, localAddress = '127.0.0.1') {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  sockets.push(socket);
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) => socket.on('close', () => resolve({ afterMs: Date.now() - started, received })));
  const connected = new Promise<void>((resolve) => socket.on('connect', resolve));
  return { socket, closed, connected, received: () => received };
}

/** Writes `text` one byte per `everyMs` until the socket closes. */
function trickle(socket: Socket, text: string, everyMs = 1000) {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) return clearInterval(timer);
    socket.write(text[i++ % text.length]);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

const SHORT: ServerTimeouts = { headersMs: 1500, requestMs: 3000, idleMs: 1500 };

describe('HTTP server time bounds (real slow sockets)', () => {
  it('cuts a body arriving one byte per second at the request bound, with 408', async () => {
    const { port } = await start(SHORT);
    const slow = client(port);
    await slow.connected;
    slow.socket.write('POST /webhooks/github HTTP/1.1\r\nHost: inlet\r\nContent-Length: 1000\r\n\r\n');
    trickle(slow.socket, 'a');
    const { afterMs, received } = await slow.closed;
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeGreaterThanOrEqual(SHORT.requestMs - 200);
    expect(afterMs).toBeLessThan(SHORT.requestMs + 2000);
  });

  it('cuts headers arriving one byte per second at the headers bound', async () => {
    const { port } = await start(SHORT);
    const slow = client(port);
    await slow.connected;
    slow.socket.write('GET /webhooks/health HTTP/1.1\r\n');
    trickle(slow.socket, 'X-Slow: yes\r\n');
    const { afterMs, received } = await slow.closed;
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeLessThan(SHORT.headersMs + 2000);
  });

  it('cuts a connection that sends nothing, and an idle kept-alive one', async () => {
    const { port } = await start(SHORT);
    const silent = client(port);
    const idle = client(port);
    await idle.connected;
    idle.socket.write('GET / HTTP/1.1\r\nHost: inlet\r\n\r\n');
    const [silentClosed, idleClosed] = await Promise.all([silent.closed, idle.closed]);
    expect(silentClosed.afterMs).toBeLessThan(SHORT.headersMs + 2000);
    expect(idleClosed.received).toMatch(/^HTTP\/1\.1 200/);
    expect(idleClosed.afterMs).toBeLessThan(SHORT.idleMs + 2000);
  });

  it('cuts a body that has not arrived in 10 s by default, since GitHub gives up at 10 s', async () => {
    expect(WEBHOOK_TIMEOUTS.requestMs).toBe(10_000);
    const { port } = await start(WEBHOOK_TIMEOUTS);
    const slow = client(port);
    await slow.connected;
    slow.socket.write('POST /webhooks/github HTTP/1.1\r\nHost: inlet\r\nContent-Length: 1000\r\n\r\n');
    trickle(slow.socket, 'a');
    const { afterMs, received } = await slow.closed;
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeGreaterThanOrEqual(9_800);
    expect(afterMs).toBeLessThan(12_000);
  }, 20_000);
});

describe('HTTP server connection caps', () => {
  it('answers 503 to a client past its cap and admits it again once one of its connections closes', async () => {
    const { port, refused, connections } = await start({ ...WEBHOOK_TIMEOUTS }, { maxConnections: 100, maxPerClient: 3 });
    const held = [client(port), client(port), client(port)];
    await Promise.all(held.map((c) => c.connected));
    const other = client(port, '127.0.0.2');
    await other.connected;
    // The client's connect can precede the server's connection event.
    await expect.poll(() => connections.open()).toBe(4);
    const extra = client(port);
    const { received } = await extra.closed;
    expect(received).toMatch(/^HTTP\/1\.1 503[\s\S]*TOO_MANY_CONNECTIONS/);
    expect(refused).toEqual(['per_client']);
    expect(connections.openFrom('127.0.0.1')).toBe(3);
    expect(connections.openFrom('127.0.0.2')).toBe(1);
    held[0].socket.destroy();
    await held[0].closed;
    await expect.poll(() => connections.openFrom('127.0.0.1')).toBe(2);
    const admitted = client(port);
    await admitted.connected;
    admitted.socket.write('GET / HTTP/1.1\r\nHost: inlet\r\nConnection: close\r\n\r\n');
    expect((await admitted.closed).received).toMatch(/^HTTP\/1\.1 200/);
  });

  it('answers 503 past the overall cap whatever the client', async () => {
    const { port, refused, connections } = await start({ ...WEBHOOK_TIMEOUTS }, { maxConnections: 2, maxPerClient: 100 });
    const held = [client(port, '127.0.0.2'), client(port, '127.0.0.3')];
    await Promise.all(held.map((c) => c.connected));
    await expect.poll(() => connections.open()).toBe(2);
    handled = 0;
    const extra = client(port, '127.0.0.4');
    // A request sent at once on a refused connection must do no work.
    extra.socket.write('POST /webhooks/github HTTP/1.1\r\nHost: inlet\r\nContent-Length: 2\r\n\r\n{}');
    expect((await extra.closed).received).toMatch(/^HTTP\/1\.1 503/);
    expect(refused).toEqual(['total']);
    expect(handled).toBe(0);
  });
});
