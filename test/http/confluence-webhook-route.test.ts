
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/actors/log/logger.ts';
import type { ConnectorManager } from '../../src/actors/system/connector-manager.ts';
import type { ConfluenceWebhookConnector, ConfluenceWebhookDeps } from '../../src/http/confluence-webhook-route.ts';
import { createApp } from '../../src/http/create-app.ts';
import { FakeWebhookManager, type RecordingConnector, recordingConnector } from '../support/fake-webhook-deps.ts';

// Compile-time check: the real ConnectorManager is a valid dependency of the route.
const _managerFits: (m: ConnectorManager) => ConfluenceWebhookDeps = (m) => m;
void _managerFits;

// Real Confluence Cloud (Connect) bodies; test/fixtures/README.md names their source.
const FIXTURES = new URL('../fixtures/confluence/webhooks/', import.meta.url);
const rawBytesOf = (name: string) => readFileSync(new URL(name, FIXTURES));
/** A capture sent now: a signed body's timestamp must be within CONFLUENCE_REPLAY_WINDOW_MS of the server's clock. */
const bytesOf = (name: string) => Buffer.from(JSON.stringify({ ...JSON.parse(rawBytesOf(name).toString('utf8')), timestamp: Date.now() }));
const SECRET = 'confluence-webhook-secret';
const hmac = (body: Buffer | string, key = SECRET) => createHmac('sha256', key).update(body).digest('hex');

type ErrorBody = { error: { code: string; message: string } };


type FakeConnector = RecordingConnector<ConfluenceWebhookConnector['config']>;

function fakeConnector(name = 'wiki', webhookSecret = SECRET): FakeConnector {
  return recordingConnector(name, { webhook_secret: webhookSecret });
}

class FakeManager extends FakeWebhookManager<FakeConnector> implements ConfluenceWebhookDeps {
  constructor(connectors: FakeConnector[]) {
    super('confluence', connectors);
  }
}

const silent: Logger = { info() {}, warn() {}, error() {} };
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function startApp(connectors: FakeConnector[] = [fakeConnector()]) {
  const manager = new FakeManager(connectors);
  const server = createApp({ manager: manager as unknown as ConnectorManager, logger: silent, adminToken: '' }).listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  return { manager, connector: connectors[0]!, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

function post(url: string, body: Buffer | string, headers: Record<string, string> = {}, query = ''): Promise<Response> {
  return fetch(`${url}/webhooks/confluence${query}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

describe('POST /webhooks/confluence: authentication', () => {
  it('accepts a Data Center delivery signed in X-Hub-Signature, with or without the sha256= prefix', async () => {
    const { url, connector } = await startApp();
    const body = bytesOf('page_updated.json');
    const bare = await post(url, body, { 'x-hub-signature': hmac(body) }, '?event=page_updated');
    expect(bare.status).toBe(200);
    expect(await bare.json()).toEqual({ accepted: true });
    expect(connector.delivered).toEqual([{ deliveryId: '1188560897@2', event: 'page_updated', payload: { event: 'page_updated', pageId: '1188560897', version: 2 }, coalesceKey: 'content:1188560897' }]);
    const dc = JSON.stringify({ event: 'page_created', timestamp: 1, page: { id: 77, version: 1, spaceKey: 'ENG', title: 'New' } });
    const prefixed = await post(url, dc, { 'x-hub-signature': `sha256=${hmac(dc)}` });
    expect(await prefixed.json()).toEqual({ accepted: true });
    expect(connector.delivered[1]).toMatchObject({ deliveryId: '77@1', event: 'page_created' });
  });

  it('refuses a wrong or missing signature with 401 and counts the rejection', async () => {
    const { url, connector } = await startApp();
    const body = bytesOf('page_updated.json');
    const wrong = await post(url, body, { 'x-hub-signature': hmac(body, 'other-secret') });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as ErrorBody).error).toEqual({ code: 'BAD_SIGNATURE', message: 'X-Hub-Signature does not match the body' });
    const missing = await post(url, body);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as ErrorBody).error.message).toContain('neither X-Hub-Signature nor X-Inlet-Webhook-Secret');
    const garbage = await post(url, body, { 'x-hub-signature': 'sha256=zz' });
    expect(garbage.status).toBe(401);
    expect(connector.rejections).toBe(3);
    expect(connector.delivered).toEqual([]);
  });

  it('accepts a Cloud relay carrying the shared secret in X-Inlet-Webhook-Secret, and refuses a wrong one', async () => {
    const { url, connector } = await startApp();
    // The capture as sent in 2021: a header secret does not sign the body, so its timestamp is not judged.
    const body = rawBytesOf('page_trashed.json');
    expect((await post(url, body, { 'x-inlet-webhook-secret': 'nope' }, '?event=page_trashed')).status).toBe(401);
    const ok = await post(url, body, { 'x-inlet-webhook-secret': SECRET }, '?event=page_trashed');
    expect(ok.status).toBe(200);
    expect(connector.delivered).toEqual([
      { deliveryId: '1188560897@2#page_trashed@1631606688675', event: 'page_trashed', payload: { event: 'page_trashed', pageId: '1188560897', version: 2 }, coalesceKey: 'content:1188560897' },
    ]);
  });

  it('refuses every delivery when the connector has no webhook_secret', async () => {
    const { url } = await startApp([fakeConnector('wiki', '')]);
    const body = bytesOf('page_updated.json');
    const response = await post(url, body, { 'x-hub-signature': hmac(body, '') });
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error.message).toContain('connectors.wiki.webhook_secret is not set');
  });
});

describe('POST /webhooks/confluence: events', () => {
  const signed = (body: Buffer | string) => ({ 'x-hub-signature': hmac(body) });

  it('drops a redelivery of the same page version, but not a trash of that version', async () => {
    const { url, connector } = await startApp();
    const updated = bytesOf('page_updated.json');
    await post(url, updated, signed(updated));
    expect(await (await post(url, updated, signed(updated))).json()).toEqual({ duplicate: true });
    for (const name of ['page_restored', 'page_moved', 'page_removed']) {
      const body = bytesOf(`${name}.json`);
      expect(await (await post(url, body, signed(body), `?event=${name}`)).json()).toEqual({ accepted: true });
    }
    expect(connector.delivered.map((d) => d.event)).toEqual(['page_updated', 'page_restored', 'page_moved', 'page_removed']);
  });

  it('maps blog post bodies to blog_* events and ignores other event types', async () => {
    const { url, connector } = await startApp();
    const blog = JSON.stringify({ timestamp: 5, blog: { idAsString: '900', id: 900, version: 3 } });
    expect(await (await post(url, blog, signed(blog), '?event=blog_updated')).json()).toEqual({ accepted: true });
    expect(connector.delivered[0]).toMatchObject({ event: 'blog_updated', payload: { pageId: '900', version: 3 } });
    const comment = JSON.stringify({ event: 'comment_created', comment: { id: 1 } });
    expect(await (await post(url, comment, signed(comment))).json()).toMatchObject({ ignored: true });
  });

  it('answers 400 for a body that is not JSON or has no page id', async () => {
    const { url } = await startApp();
    expect((await post(url, 'nope', signed('nope'))).status).toBe(400);
    const noId = JSON.stringify({ event: 'page_updated', page: { title: 'x' } });
    expect(((await (await post(url, noId, signed(noId))).json()) as ErrorBody).error.code).toBe('BAD_EVENT');
  });

  it('answers 503 with Retry-After when the queue is unreachable or full, or the buffer is full, without recording the delivery', async () => {
    const { url, manager, connector } = await startApp();
    const body = bytesOf('page_updated.json');
    manager.queue = { state: 'unreachable', full: false };
    const down = await post(url, body, signed(body));
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('60');
    manager.queue = { state: 'flowing', full: true };
    expect(((await (await post(url, body, signed(body))).json()) as ErrorBody).error.code).toBe('QUEUE_FULL');
    manager.queue = { state: 'flowing', full: false };
    connector.bufferFull = true;
    expect(((await (await post(url, body, signed(body))).json()) as ErrorBody).error.code).toBe('WEBHOOK_BUFFER_FULL');
    manager.storeDown = true;
    const logDown = await post(url, body, signed(body));
    expect(logDown.status).toBe(503);
    expect(logDown.headers.get('retry-after')).toBe('60');
    manager.storeDown = false;
    connector.bufferFull = false;
    expect(await (await post(url, body, signed(body))).json()).toEqual({ accepted: true });
  });

  it('needs ?connector= when several Confluence connectors are configured', async () => {
    const { url } = await startApp([fakeConnector('a'), fakeConnector('b')]);
    const body = bytesOf('page_updated.json');
    expect((await post(url, body, signed(body))).status).toBe(400);
    expect((await post(url, body, signed(body), '?connector=b')).status).toBe(200);
    expect((await post(url, body, signed(body), '?connector=zz')).status).toBe(404);
  });
});
