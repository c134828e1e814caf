import { signWebhookPayload, verifyWebhookSignature } from '@notionhq/client';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/actors/log/logger.ts';
import type { ConnectorManager } from '../../src/actors/system/connector-manager.ts';
import { createApp } from '../../src/http/create-app.ts';
import { verifyNotionSignature } from '../../src/http/notion-signature.ts';
import type { NotionWebhookConnector, NotionWebhookDeps } from '../../src/http/notion-webhook-route.ts';
import { jsonOf } from '../support/temp-service.ts';
import { FakeWebhookManager, type RecordingConnector, recordingConnector } from '../support/fake-webhook-deps.ts';

// Compile-time check: the real ConnectorManager is a valid dependency of the route.
const _managerFits: (m: ConnectorManager) => NotionWebhookDeps = (m) => m;
void _managerFits;

// Notion's documented webhook samples; test/fixtures/README.md names each file's source.
const FIXTURES = new URL('../fixtures/notion/webhooks/', import.meta.url);
const bytesOf = (name: string) => readFileSync(new URL(name, FIXTURES));
const fixture = (name: string) => JSON.parse(bytesOf(name).toString('utf8')) as { id: string; type: string; entity: { id: string } };
/** `{"verification_token": "secret_tMrl…"}`, the documented one-time handshake body. */
const verificationRequest = bytesOf('verification-request.json');
const DOCS_TOKEN = 'secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl';
const pageContentUpdated = bytesOf('page.content_updated.json');

const sign = (key: string, body: Buffer | string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

type ErrorBody = { error: { code: string; message: string } };

/** A connector handle that records what the route hands it. */

type FakeConnector = RecordingConnector<NotionWebhookConnector['config']>;

function fakeConnector(name = 'notion', webhookSecret = ''): FakeConnector {
  return recordingConnector(name, { webhook_secret: webhookSecret });
}

class FakeManager extends FakeWebhookManager<FakeConnector> implements NotionWebhookDeps {
  constructor(connectors: FakeConnector[]) {
    super('notion', connectors);
  }
}

type LogLine = { level: string; message: string; fields: Record<string, unknown> };
function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void lines.push({ level, message, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(app: Koa): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/** The real createApp over the fake manager (only the webhook routes touch it). */
async function startApp(manager: FakeManager) {
  const logger = recordingLogger();
  const app = createApp({ manager: manager as unknown as ConnectorManager, logger, adminToken: '' });
  return { url: await listen(app), logger };
}

/** POSTs the exact bytes (the HMAC is over the raw body); `signature: null` leaves the header out. */
function post(url: string, body: Buffer | string, options: { key?: string; signature?: string | null; query?: string } = {}): Promise<Response> {
  const signature = options.signature === null ? undefined : (options.signature ?? (options.key === undefined ? undefined : sign(options.key, body)));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'notion-api' };
  if (signature !== undefined) headers['x-notion-signature'] = signature;
  return fetch(`${url}/webhooks/notion${options.query ?? ''}`, { method: 'POST', body, headers });
}

/** A manager whose single connector already holds `KEY` as its stored verification token. */
const KEY = 'secret_stored-verification-token-for-tests';
async function verifiedApp(connector = fakeConnector()) {
  const manager = new FakeManager([connector]);
  await manager.webhookSecrets.set(connector.name, KEY);
  return { manager, connector, ...(await startApp(manager)) };
}

describe('POST /webhooks/notion: the verification handshake', () => {
  it('stores the first verification token without logging or answering it, and verifies later events with it', async () => {
    const notion = fakeConnector();
    const manager = new FakeManager([notion]);
    const { url, logger } = await startApp(manager);

    const handshake = await post(url, verificationRequest);
    expect(handshake.status).toBe(200);
    const text = await handshake.text();
    expect(JSON.parse(text)).toEqual({
      verified: false,
      message: 'an admin reads the token with `inlet webhook verification notion` (GET /connectors/notion/webhook-verification, admin token) and pastes it into Notion to verify the subscription',
    });
    expect(await manager.webhookSecrets.get('notion')).toBe(DOCS_TOKEN);
    // Issue 13: the token is the signing key; it was in the log and public health.
    expect(text + JSON.stringify(logger.lines)).not.toContain(DOCS_TOKEN);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', fields: { connector: 'notion' } }));

    const event = await post(url, pageContentUpdated, { key: DOCS_TOKEN });
    expect(event.status).toBe(200);
    expect(await event.json()).toEqual({ accepted: true });
    const { id, entity } = fixture('page.content_updated.json');
    expect(notion.delivered).toEqual([{ deliveryId: id, event: 'page.content_updated', payload: { type: 'page.content_updated', entityId: entity.id }, coalesceKey: `page:${entity.id}` }]);
  });

  it('refuses a second, unsigned verification request with 409 and keeps the first key', async () => {
    const { url, manager } = await verifiedApp();
    const again = await post(url, verificationRequest);
    expect(again.status).toBe(409);
    expect((await jsonOf<ErrorBody>(again)).error.code).toBe('ALREADY_VERIFIED');
    expect(await manager.webhookSecrets.get('notion')).toBe(KEY);
    // A forged token signed with itself does not get in either.
    const forged = await post(url, verificationRequest, { key: DOCS_TOKEN });
    expect(forged.status).toBe(409);
    expect(await manager.webhookSecrets.get('notion')).toBe(KEY);
  });

  it('answers a verification request signed with the current key 200 verified, changing nothing', async () => {
    const { url, manager, connector } = await verifiedApp();
    const resend = JSON.stringify({ verification_token: KEY });
    const response = await post(url, resend, { key: KEY });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ verified: true });
    expect(await manager.webhookSecrets.get('notion')).toBe(KEY);
    expect(connector.delivered).toEqual([]);
  });

  it('uses webhook_secret when configured: the verification request is refused and a stored token no longer verifies', async () => {
    const CONFIGURED = 'secret_configured-in-inlet-yaml';
    const notion = fakeConnector('notion', CONFIGURED);
    const manager = new FakeManager([notion]);
    await manager.webhookSecrets.set('notion', KEY);
    const { url, logger } = await startApp(manager);

    const handshake = await post(url, verificationRequest);
    expect(handshake.status).toBe(409);
    expect((await jsonOf<ErrorBody>(handshake)).error.message).toContain('connectors.notion.webhook_secret');
    expect(await manager.webhookSecrets.get('notion')).toBe(KEY);

    expect((await post(url, pageContentUpdated, { key: KEY })).status).toBe(401);
    const accepted = await post(url, pageContentUpdated, { key: CONFIGURED });
    expect(accepted.status).toBe(200);
    expect(notion.delivered).toHaveLength(1);
    expect(JSON.stringify(logger.lines)).not.toContain(CONFIGURED);
  });

  it('stores nothing for a body that has more than verification_token, and answers 503 while no key is known', async () => {
    const notion = fakeConnector();
    const manager = new FakeManager([notion]);
    const { url } = await startApp(manager);
    const sneaky = JSON.stringify({ verification_token: 'attacker', type: 'page.created', id: randomUUID(), entity: { id: 'x' } });
    for (const body of [sneaky, pageContentUpdated]) {
      const response = await post(url, body, { key: 'attacker' });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('60');
      expect((await jsonOf<ErrorBody>(response)).error.code).toBe('WEBHOOK_NOT_VERIFIED');
    }
    expect(await manager.webhookSecrets.get('notion')).toBeNull();
    expect(notion.delivered).toEqual([]);
  });

  it('keeps the first of two concurrent verification requests', async () => {
    const notion = fakeConnector();
    const manager = new FakeManager([notion]);
    const { url } = await startApp(manager);
    const bodies = ['first', 'second', 'third'].map((t) => JSON.stringify({ verification_token: `secret_${t}` }));
    const statuses = (await Promise.all(bodies.map((b) => post(url, b)))).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    expect(bodies.map((b) => JSON.parse(b).verification_token)).toContain(await manager.webhookSecrets.get('notion'));
  });
});

describe('POST /webhooks/notion: events', () => {
  const handled = [
    'page.created.json',
    'page.content_updated.json',
    'page.properties_updated.json',
    'page.moved.json',
    'page.undeleted.json',
    'page.deleted.json',
    'database.created.json',
    'database.content_updated.json',
    'database.moved.json',
    'database.deleted.json',
    'database.undeleted.json',
  ];

  it('delivers every documented page and database event once, as its type and entity id', async () => {
    const { url, connector } = await verifiedApp();
    for (const name of handled) {
      const response = await post(url, bytesOf(name), { key: KEY });
      expect([name, response.status, await response.json()]).toEqual([name, 200, { accepted: true }]);
    }
    expect(connector.delivered).toEqual(
      handled.map(fixture).map(({ id, type, entity }) => ({ deliveryId: id, event: type, payload: { type, entityId: entity.id }, coalesceKey: `${type.split('.')[0]}:${entity.id}` })),
    );
  });

  it('delivers data_source.* events (API 2025-09-03) for the connector to refresh that data source', async () => {
    const { url, connector } = await verifiedApp();
    const body = JSON.stringify({ ...fixture('database.content_updated.json'), id: randomUUID(), type: 'data_source.schema_updated', entity: { id: 'ds-1', type: 'data_source' } });
    expect(await (await post(url, body, { key: KEY })).json()).toEqual({ accepted: true });
    expect(connector.delivered[0]).toMatchObject({ event: 'data_source.schema_updated', payload: { type: 'data_source.schema_updated', entityId: 'ds-1' } });
  });

  it('answers a retry of the same event id 200 duplicate and delivers nothing more', async () => {
    const { url, connector } = await verifiedApp();
    expect((await post(url, pageContentUpdated, { key: KEY })).status).toBe(200);
    // Notion's retry carries the same id with a higher attempt_number, so other bytes and another signature.
    const retry = JSON.stringify({ ...fixture('page.content_updated.json'), attempt_number: 2 });
    const again = await post(url, retry, { key: KEY });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    expect(connector.delivered).toHaveLength(1);
  });

  it('ignores comments, locks and unknown types with 200 and a reason', async () => {
    const { url, connector } = await verifiedApp();
    const ignored = ['comment.created.page-comment.json', 'comment.created.comment-on-a-block.json', 'comment.deleted.json', 'comment.updated.json', 'page.locked.json', 'page.unlocked.json'];
    for (const name of ignored) {
      const response = await post(url, bytesOf(name), { key: KEY });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ignored: true, reason: `event ${fixture(name).type} is not handled` });
    }
    const future = JSON.stringify({ ...fixture('page.created.json'), type: 'view.created' });
    expect(await (await post(url, future, { key: KEY })).json()).toEqual({ ignored: true, reason: 'event view.created is not handled' });
    expect(connector.delivered).toEqual([]);
  });

  it('refuses a missing, wrong or malformed signature with 401, counts it and delivers nothing', async () => {
    const { url, connector, logger } = await verifiedApp();
    const hex = sign(KEY, pageContentUpdated).slice('sha256='.length);
    const signatures = [null, sign('not-the-key', pageContentUpdated), hex, `sha1=${hex}`, `sha256=${hex.slice(0, 62)}`, `sha256=${hex}zz`, `sha256=${hex}00`];
    for (const signature of signatures) {
      const response = await post(url, pageContentUpdated, { signature });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(JSON.parse(text).error.code).toBe('BAD_SIGNATURE');
      expect(text).not.toContain(KEY);
    }
    expect(connector.rejections).toBe(signatures.length);
    expect(connector.delivered).toEqual([]);
    expect(JSON.stringify(logger.lines)).not.toContain(KEY);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ reason: 'no X-Notion-Signature header' }) }));
  });

  it("answers Notion's own invalid sample (database.schema_updated, trailing comma) 400 when signed, 401 when not", async () => {
    const { url, connector } = await verifiedApp();
    const invalid = bytesOf('database.schema_updated.docs-verbatim-invalid-json.txt');
    const signed = await post(url, invalid, { key: KEY });
    expect(signed.status).toBe(400);
    expect((await jsonOf<ErrorBody>(signed)).error.code).toBe('BAD_JSON');
    expect((await post(url, invalid, { key: 'wrong' })).status).toBe(401);
    for (const [body, code] of [
      ['[1, 2]', 'BAD_JSON'],
      [JSON.stringify({ type: 'page.created', entity: { id: 'p' } }), 'MISSING_EVENT_ID'],
      [JSON.stringify({ id: randomUUID(), type: 'page.created' }), 'BAD_EVENT'],
    ]) {
      const response = await post(url, body, { key: KEY });
      expect([response.status, (await jsonOf<ErrorBody>(response)).error.code]).toEqual([400, code]);
    }
    expect(connector.delivered).toEqual([]);
  });

  it('refuses a body over 1 MB with 413, by Content-Length or as counted while streaming', async () => {
    const { url, connector } = await verifiedApp();
    const declared = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/webhooks/notion`, { method: 'POST', headers: { 'content-length': String(1024 * 1024 + 1) } });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(declared).toBe(413);
    const big = JSON.stringify({ ...fixture('page.created.json'), padding: 'x'.repeat(1024 * 1024) });
    const chunks = [Buffer.from(big.slice(0, 1000)), Buffer.from(big.slice(1000))];
    const stream = new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()) : c.close()) });
    const headers = { 'content-type': 'application/json', 'x-notion-signature': sign(KEY, big) };
    const streamed = await fetch(`${url}/webhooks/notion`, { method: 'POST', body: stream, duplex: 'half', headers } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await jsonOf<ErrorBody>(streamed)).error.code).toBe('BODY_TOO_LARGE');
    expect(connector.delivered).toEqual([]);
  });

  it('answers 503 with Retry-After while the queue is unreachable, without marking the event seen', async () => {
    const { url, manager, connector } = await verifiedApp();
    manager.queue = { state: 'unreachable', full: false };
    const refused = await post(url, pageContentUpdated, { key: KEY });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect((await jsonOf<ErrorBody>(refused)).error.code).toBe('QUEUE_UNAVAILABLE');
    expect(connector.delivered).toEqual([]);
    manager.queue = { state: 'flowing', full: false };
    const retried = await post(url, pageContentUpdated, { key: KEY });
    expect(await retried.json()).toEqual({ accepted: true });
    expect(connector.delivered).toHaveLength(1);
  });

  it('answers 503 with Retry-After when the queue is full, the delivery log is down, or the connector buffer is full', async () => {
    const { url, manager, connector } = await verifiedApp();
    const expect503 = async (code: string) => {
      const response = await post(url, JSON.stringify({ ...fixture('page.created.json'), id: randomUUID() }), { key: KEY });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('60');
      expect((await jsonOf<ErrorBody>(response)).error.code).toBe(code);
    };
    manager.queue = { state: 'backpressure', full: true };
    await expect503('QUEUE_FULL');
    manager.queue = { state: 'flowing', full: false };
    manager.storeDown = true;
    await expect503('QUEUE_UNAVAILABLE');
    manager.storeDown = false;
    connector.bufferFull = true;
    await expect503('WEBHOOK_BUFFER_FULL');
    expect(connector.delivered).toEqual([]);
  });

  it('still answers ignored events while the queue is unreachable', async () => {
    const { url, manager } = await verifiedApp();
    manager.queue = { state: 'unreachable', full: false };
    expect((await post(url, bytesOf('comment.deleted.json'), { key: KEY })).status).toBe(200);
  });
});

describe('POST /webhooks/notion: which connector', () => {
  it('answers 404 when no Notion connector is configured', async () => {
    const { url } = await startApp(new FakeManager([]));
    const response = await post(url, verificationRequest);
    expect(response.status).toBe(404);
    expect((await jsonOf<ErrorBody>(response)).error.code).toBe('NO_NOTION_CONNECTOR');
  });

  it('needs ?connector=<name> when several are configured, and verifies with that connector’s key', async () => {
    const handbook = fakeConnector('handbook', 'secret_handbook');
    const wiki = fakeConnector('wiki', 'secret_wiki');
    const { url } = await startApp(new FakeManager([handbook, wiki]));
    const bare = await post(url, pageContentUpdated, { key: 'secret_wiki' });
    expect(bare.status).toBe(400);
    expect((await jsonOf<ErrorBody>(bare)).error).toMatchObject({ code: 'CONNECTOR_REQUIRED', message: expect.stringContaining('handbook, wiki') });
    expect((await post(url, pageContentUpdated, { key: 'secret_wiki', query: '?connector=nope' })).status).toBe(404);
    expect((await post(url, pageContentUpdated, { key: 'secret_wiki', query: '?connector=handbook' })).status).toBe(401);
    expect((await post(url, pageContentUpdated, { key: 'secret_wiki', query: '?connector=wiki' })).status).toBe(200);
    expect([handbook.delivered.length, handbook.rejections, wiki.delivered.length]).toEqual([0, 1, 1]);
  });
});

describe('X-Notion-Signature against @notionhq/client', () => {
  const bodies = [pageContentUpdated, verificationRequest, bytesOf('database.schema_updated.docs-verbatim-invalid-json.txt'), Buffer.from('{"é": "ü"}')];

  it('computes the same signature as the SDK’s signWebhookPayload, and each side verifies the other', async () => {
    for (const body of bodies) {
      const sdk = await signWebhookPayload({ body, verificationToken: DOCS_TOKEN });
      expect(sdk).toBe(sign(DOCS_TOKEN, body));
      expect(verifyNotionSignature(DOCS_TOKEN, body, sdk)).toBe(true);
      expect(await verifyWebhookSignature({ body, signature: sign(DOCS_TOKEN, body), verificationToken: DOCS_TOKEN })).toBe(true);
    }
  });

  it('agrees with the SDK on wrong and malformed signatures', async () => {
    const body = pageContentUpdated;
    const good = sign(DOCS_TOKEN, body);
    const hex = good.slice('sha256='.length);
    const candidates = [good, good.toUpperCase().replace('SHA256=', 'sha256='), sign('other', body), hex, `sha1=${hex}`, `sha256=${hex.slice(0, 63)}`, `sha256=${hex}0`, `sha256=${'g'.repeat(64)}`, ''];
    for (const signature of candidates) {
      const sdk = await verifyWebhookSignature({ body, signature, verificationToken: DOCS_TOKEN });
      expect([signature, verifyNotionSignature(DOCS_TOKEN, body, signature)]).toEqual([signature, sdk]);
    }
  });

  it('accepts an event the SDK signed, through the route', async () => {
    const { url, connector } = await verifiedApp();
    const signature = await signWebhookPayload({ body: pageContentUpdated, verificationToken: KEY });
    expect(await (await post(url, pageContentUpdated, { signature })).json()).toEqual({ accepted: true });
    expect(connector.delivered).toHaveLength(1);
  });
});
