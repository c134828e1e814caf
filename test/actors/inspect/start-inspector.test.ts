import { createWebSocketReceiver, type StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { describeService } from '../../../src/actors/inspect/inspector-page.ts';
import { isLoopback } from '../../../src/actors/inspect/is-loopback.ts';
import { type RunningInspector, startInspector } from '../../../src/actors/inspect/start-inspector.ts';
import { eventually, startTempService, type TempService } from '../../support/temp-service.ts';

let service: TempService | undefined;
let inspector: RunningInspector | undefined;
afterEach(async () => {
  await service?.stop();
  await inspector?.stop();
  service = undefined;
  inspector = undefined;
});

const portOf = (address: string) => Number(new URL(address.replace('<server.admin_token>', 'x')).port);

/** Resolves with the HTTP status a WebSocket upgrade to `url` was answered with (101 when it opened). */
const upgradeStatus = (url: string) =>
  new Promise<number>((resolve) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', () => resolve(0));
  });

describe('Stately inspector relay', () => {
  it('streams the running system’s actors and snapshots to a WebSocket receiver', async () => {
    let report: () => Promise<string> = async () => describeService(undefined);
    inspector = await startInspector({ host: '127.0.0.1', port: 0, token: '', describe: () => report() });
    service = await startTempService({ inspect: inspector.inspect });
    const port = portOf(inspector.address);
    const received: StatelyInspectionEvent[] = [];
    const receiver = createWebSocketReceiver({ server: `ws://127.0.0.1:${port}` });
    const subscription = receiver.subscribe((event) => received.push(event));
    try {
      // The connector's statechart is registered with its definition, then its snapshots (context included) follow.
      const isConnector = (e: StatelyInspectionEvent) => e.type === '@xstate.actor' && String(e.definition).includes('"id":"connector"');
      await eventually('the connector actor registered', () => received.some(isConnector));
      await eventually('a connector snapshot', () => received.some((e) => e.type === '@xstate.snapshot' && JSON.stringify(e.snapshot).includes('pendingWebhooks')));
      expect(inspector.address).toBe(`http://127.0.0.1:${port}/`);
    } finally {
      subscription.unsubscribe();
    }

    // The page says in plain words what the browser needs and what state the service is in.
    const running = service;
    report = async () => describeService(await running.manager.health());
    const page = await (await fetch(inspector.address)).text();
    expect(page).toContain('needs\n  internet access');
    expect(page).toContain('https://stately.ai/inspect');
    expect(page).toMatch(/inlet is (healthy|degraded)\./);
    expect(page).toContain('docs (local)');
    expect(page).toContain('did not load');
  });

  it('binds to the given host only', async () => {
    inspector = await startInspector({ host: '127.0.0.2', port: 0, token: '', describe: async () => 'ok' });
    const port = portOf(inspector.address);
    expect((await fetch(`http://127.0.0.2:${port}/`)).status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('with a token, refuses the page and the event stream without it', async () => {
    inspector = await startInspector({ host: '127.0.0.1', port: 0, token: 's3cret-token', describe: async () => 'ok' });
    const port = portOf(inspector.address);
    expect(inspector.address).toBe(`http://127.0.0.1:${port}/?token=<server.admin_token>`);
    const refused = await fetch(`http://127.0.0.1:${port}/`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('ADMIN_TOKEN_REQUIRED');
    expect((await fetch(`http://127.0.0.1:${port}/?token=wrong-token!`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/?token=s3cret-token`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/`, { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);

    expect(await upgradeStatus(`ws://127.0.0.1:${port}/`)).toBe(401);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/?token=s3cret-token`)).toBe(101);
  });

  it('without a token, refuses requests that came through a proxy, and will not listen beyond loopback', async () => {
    inspector = await startInspector({ host: '127.0.0.1', port: 0, token: '', describe: async () => 'ok' });
    const port = portOf(inspector.address);
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const refused = await fetch(`http://127.0.0.1:${port}/`, { headers: { [header]: '203.0.113.7' } });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('server.admin_token');
    }
    const proxied = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      socket.once('open', () => resolve(101));
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    });
    expect(proxied).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    await expect(startInspector({ host: '0.0.0.0', port: 0, token: '', describe: async () => 'ok' })).rejects.toThrow(/server\.admin_token/);
  });

  it('knows which addresses are loopback', () => {
    expect(['127.0.0.1', '127.0.0.2', '::1', 'localhost'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.5', '192.168.1.2'].map(isLoopback)).toEqual([false, false, false, false]);
  });
});
