import { request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogFields, Logger } from '../../src/actors/log/logger.ts';
import { createRateLimitedLog } from '../../src/actors/log/rate-limited-log.ts';
import type { ConnectorManager } from '../../src/actors/system/connector-manager.ts';
import type { HealthReport } from '../../src/actors/system/health-report.ts';
import { type AppDeps, createApp } from '../../src/http/create-app.ts';
import { jsonOf } from '../support/temp-service.ts';

const ADMIN = 'admin-token-0123456789';
const READ = 'read-token-abcdefghij';
const GITHUB_TOKEN = 'ghp_TOKENthatUpstreamEchoed0123456789';

type ErrorBody = { error: { code: string; message: string } };

/** A manager fake recording the calls that change something. */
function fakeManager(status: HealthReport['status'] = 'healthy') {
  const calls: string[] = [];
  const report: HealthReport = {
    status,
    connectors: [
      {
        name: 'docs',
        kind: 'github',
        status: 'degraded',
        stats: { events_received: 1, events_queued: 1, errors: 1, last_sync: null, last_error: `401 Bad credentials (sent Authorization: token ${GITHUB_TOKEN})` },
        circuit_breaker: 'closed',
      },
    ],
    queue: null,
    workers: [],
    reasons: [`connector docs is degraded: 401 for ${GITHUB_TOKEN}`],
  };
  const stats = { queue_name: 'ingestion:queue', size: 3, max_size: 10, usage_pct: 30, backpressure: false };
  const handle = {
    name: 'docs',
    pollNow: () => calls.push('poll'),
    circuitBreaker: { getStats: () => ({ state: 'closed' }), reset: () => calls.push('reset') },
  };
  const manager = {
    health: async () => structuredClone(report),
    getQueueStats: async () => stats,
    connector: (name: string) => (name === 'docs' ? handle : undefined),
    connectorNames: () => ['docs'],
    queue: {
      deadLetters: async () => [{ id: 'e1', payload: 'secret document text' }],
      clear: async () => void calls.push('clear'),
    },
  } as unknown as ConnectorManager;
  return { manager, calls };
}

function recordingLogger() {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => void lines.push({ level, message, fields });
  const logger: Logger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { lines, logger };
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** The app on a free loopback port; `deps` overrides the defaults (no tokens, bound to 127.0.0.1). */
async function start(deps: Partial<AppDeps> = {}, status?: HealthReport['status']) {
  const { manager, calls } = fakeManager(status);
  const { lines, logger } = recordingLogger();
  server = createApp({ manager, logger, adminToken: '', bindHost: '127.0.0.1', secrets: [GITHUB_TOKEN], ...deps }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = (path: string, init: RequestInit & { token?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${url}${path}`, { ...init, headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers } });
  return { url, calls, lines, call };
}

const READER_ROUTES: [string, string][] = [
  ['GET', '/search?q=deploy'],
  ['GET', '/queue/stats'],
  ['GET', '/connectors/docs/breaker'],
];
const ADMIN_ROUTES: [string, string][] = [
  ['DELETE', '/queue?confirm=true'],
  ['POST', '/connectors/docs/breaker/reset'],
  ['POST', '/connectors/docs/poll'],
  ['GET', '/queue/dead-letters'],
];

describe('access without tokens', () => {
  it.each(['x-forwarded-for', 'forwarded', 'x-real-ip'])('refuses admin and reader routes to a loopback peer carrying %s, naming the key to set', async (header) => {
    // Issue 13: through a same-host proxy adding X-Forwarded-For: 203.0.113.7, DELETE /queue answered 200.
    const { call, calls } = await start();
    for (const [method, path] of [...ADMIN_ROUTES, ...READER_ROUTES]) {
      const response = await call(path, { method, headers: { [header]: header === 'forwarded' ? 'for=203.0.113.7' : '203.0.113.7' } });
      expect(response.status, `${method} ${path}`).toBe(403);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe('LOOPBACK_ONLY');
      expect(body.error.message).toContain('server.admin_token');
      expect(body.error.message).toContain(header);
    }
    expect(calls).toEqual([]);
  });

  it('opens the protected routes to a loopback peer without proxy headers when bound to loopback', async () => {
    const { call, calls } = await start();
    for (const [method, path] of [...ADMIN_ROUTES, ...READER_ROUTES.slice(1)]) expect((await call(path, { method })).status, `${method} ${path}`).toBeLessThan(300);
    expect(calls).toEqual(['clear', 'reset', 'poll']);
  });

  it('refuses a web page on another site reaching the loopback door: a rebound Host, or a foreign Origin', async () => {
    // Review: a page that rebinds attacker.example to 127.0.0.1 read the dead letters and could clear the queue.
    const { url, calls } = await start();
    const statusOf = (headers: Record<string, string>, method = 'GET', path = '/queue/dead-letters') =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${url}${path}`, { method, headers }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject).end();
      });
    expect(await statusOf({ host: 'attacker.example' })).toBe(403);
    expect(await statusOf({ host: 'attacker.example:8000' }, 'DELETE', '/queue?confirm=true')).toBe(403);
    expect(await statusOf({ host: '127.0.0.1', origin: 'http://attacker.example' })).toBe(403);
    expect(await statusOf({ host: '127.0.0.1', origin: 'null' })).toBe(403);
    expect(calls).toEqual([]);
    // Local tools still get in: curl sends Host 127.0.0.1 or localhost, a local page its loopback Origin.
    expect(await statusOf({ host: 'localhost:8000' })).toBe(200);
    expect(await statusOf({ host: '[::1]:8000', origin: 'http://127.0.0.1:8080' })).toBe(200);
  });

  it('refuses the protected routes when bound beyond loopback, even to a loopback peer', async () => {
    const { call, calls } = await start({ bindHost: '0.0.0.0' });
    for (const [method, path] of [...ADMIN_ROUTES, ...READER_ROUTES]) {
      const response = await call(path, { method });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(((await response.json()) as ErrorBody).error.message).toMatch(/bound to 0\.0\.0\.0.*server\.(admin|read)_token/);
    }
    expect(calls).toEqual([]);
  });
});

describe('access with tokens', () => {
  it('grants reader routes to the read token and the admin token, admin routes to the admin token only', async () => {
    const { call, calls } = await start({ adminToken: ADMIN, readToken: READ });
    for (const [method, path] of READER_ROUTES.slice(1)) {
      expect((await call(path, { method })).status).toBe(401);
      expect((await call(path, { method, token: 'wrong' })).status).toBe(401);
      expect((await call(path, { method, token: READ.replace(/.$/, 'x') })).status).toBe(401);
      expect((await call(path, { method, token: READ })).status).toBe(200);
      expect((await call(path, { method, token: ADMIN })).status).toBe(200);
    }
    for (const [method, path] of ADMIN_ROUTES) {
      const anonymous = await call(path, { method });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await anonymous.json()) as ErrorBody).error).toMatchObject({ code: 'ADMIN_TOKEN_REQUIRED', message: expect.stringContaining('server.admin_token') });
      expect((await call(path, { method, token: READ })).status).toBe(401);
    }
    expect(calls).toEqual([]);
    for (const [method, path] of ADMIN_ROUTES) expect((await call(path, { method, token: ADMIN })).status).toBeLessThan(300);
    expect(calls).toEqual(['clear', 'reset', 'poll']);
  });

  it('requires the admin token for POST /connectors/<name>/poll once one is set, even from loopback', async () => {
    // Issue 13: poll answered 202 without a token even with admin_token set, spending the source's rate limit.
    const { call, calls } = await start({ adminToken: ADMIN });
    expect((await call('/connectors/docs/poll', { method: 'POST' })).status).toBe(401);
    expect(calls).toEqual([]);
    expect((await call('/connectors/docs/poll', { method: 'POST', token: ADMIN })).status).toBe(202);
    expect(calls).toEqual(['poll']);
  });

  it('keeps dead letters and search from anonymous callers', async () => {
    const { call } = await start({ adminToken: ADMIN });
    const deadLetters = await call('/queue/dead-letters');
    expect(deadLetters.status).toBe(401);
    expect(await deadLetters.text()).not.toContain('secret document text');
    const search = await call('/search?q=deploy');
    expect(search.status).toBe(401);
    expect(((await search.json()) as ErrorBody).error.code).toBe('READ_TOKEN_REQUIRED');
  });

  it('logs refusals once per cause per interval with a count', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { logger, lines } = recordingLogger();
      const refusals = createRateLimitedLog(logger, { intervalMs: 60_000 });
      const { call } = await start({ adminToken: ADMIN, refusals });
      for (let i = 0; i < 20; i++) await call('/queue/stats');
      expect(lines).toEqual([{ level: 'warn', message: 'access refused: READ_TOKEN_REQUIRED', fields: { method: 'GET', path: '/queue/stats', client: '127.0.0.1', count: 1 } }]);
      refusals.flush();
      expect(lines[1].fields).toMatchObject({ count: 19, suppressed: true });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('server.trust_proxy', () => {
  it('logs the right-most X-Forwarded-For entry as the client only when trusted, and opens nothing', async () => {
    for (const trustProxy of [false, true]) {
      const { logger, lines } = recordingLogger();
      const { call } = await start({ trustProxy, refusals: createRateLimitedLog(logger) });
      // The left entry is whatever the client claimed; the right one is what our proxy saw.
      const response = await call('/queue/stats', { headers: { 'x-forwarded-for': '127.0.0.1, 203.0.113.7' } });
      expect(response.status).toBe(403);
      expect(lines[0].fields?.client).toBe(trustProxy ? '203.0.113.7' : '127.0.0.1');
      await new Promise((resolve) => server?.close(resolve));
    }
  });
});

describe('DELETE /queue', () => {
  it('refuses without ?confirm=true, and logs what it removed with it', async () => {
    const { call, calls, lines } = await start({ adminToken: ADMIN });
    const unconfirmed = await call('/queue', { method: 'DELETE', token: ADMIN });
    expect(unconfirmed.status).toBe(400);
    expect(((await unconfirmed.json()) as ErrorBody).error.code).toBe('CONFIRM_REQUIRED');
    expect(calls).toEqual([]);
    expect((await call('/queue?confirm=true', { method: 'DELETE', token: ADMIN })).status).toBe(200);
    expect(calls).toEqual(['clear']);
    expect(lines).toContainEqual({
      level: 'warn',
      message: 'queue cleared through the API',
      fields: { queue_name: 'ingestion:queue', removed_waiting: 3, removed_dead_letters: 1, client: '127.0.0.1' },
    });
  });
});

describe('health, liveness and readiness', () => {
  beforeEach(() => vi.useRealTimers());

  it('shows anonymous callers beyond the loopback door only the status, readers the runbook shape with secrets scrubbed', async () => {
    const { call } = await start({ adminToken: ADMIN, readToken: READ });
    const anonymous = await call('/webhooks/health', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'healthy' });
    const reader = await call('/webhooks/health', { token: READ });
    const text = await reader.text();
    expect(text).not.toContain(GITHUB_TOKEN);
    expect(text).not.toContain('TOKENthat');
    const body = JSON.parse(text) as HealthReport;
    expect(body.connectors[0]).toMatchObject({ name: 'docs', circuit_breaker: 'closed', stats: { last_error: expect.stringContaining('[redacted]') } });
    expect(body.reasons[0]).toBe('connector docs is degraded: 401 for [redacted]');
  });

  it('without tokens, shows a direct local caller the details on a loopback bind only, and a proxied one only the status', async () => {
    const loopback = await start({ bindHost: '127.0.0.1' });
    expect(Object.keys(await jsonOf(loopback.call('/webhooks/health')))).toEqual(['status', 'connectors', 'queue', 'workers', 'reasons']);
    expect(await (await loopback.call('/webhooks/health', { headers: { 'x-real-ip': '203.0.113.7' } })).json()).toEqual({ status: 'healthy' });
    await new Promise((resolve) => server?.close(resolve));
    // Bound beyond loopback, a local peer may be a same-host proxy that adds no header: the details need a token.
    const wide = await start({ bindHost: '0.0.0.0' });
    expect(await (await wide.call('/webhooks/health')).json()).toEqual({ status: 'healthy' });
    await new Promise((resolve) => server?.close(resolve));
    const withToken = await start({ bindHost: '127.0.0.1', adminToken: ADMIN });
    expect(await (await withToken.call('/webhooks/health')).json()).toEqual({ status: 'healthy' });
  });

  it('answers /livez and /readyz to anyone, /readyz 503 when the queue is unreachable', async () => {
    const healthy = await start({ adminToken: ADMIN });
    expect(await (await healthy.call('/livez')).json()).toEqual({ status: 'ok' });
    expect(await (await healthy.call('/readyz', { headers: { 'x-forwarded-for': '203.0.113.7' } })).json()).toEqual({ status: 'ready' });
    await new Promise((resolve) => server?.close(resolve));
    const unhealthy = await start({ adminToken: ADMIN }, 'unhealthy');
    const readyz = await unhealthy.call('/readyz');
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toEqual({ status: 'not_ready' });
    expect((await unhealthy.call('/livez')).status).toBe(200);
  });
});
