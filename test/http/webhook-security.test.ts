import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type Koa from 'koa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/actors/log/logger.ts';
import { createRateLimitedLog } from '../../src/actors/log/rate-limited-log.ts';
import type { ConnectorManager } from '../../src/actors/system/connector-manager.ts';
import { connectorSchema } from '../../src/config/connector-schema.ts';
import { createApp } from '../../src/http/create-app.ts';
import { CONFLUENCE_PAYLOAD_CAP_BYTES } from '../../src/http/confluence-webhook-route.ts';
import { NOTION_PAYLOAD_CAP_BYTES } from '../../src/http/notion-webhook-route.ts';
import { FakeWebhookManager, type RecordingConnector, recordingConnector } from '../support/fake-webhook-deps.ts';

// Issue 13, round 2: what an outside client could do to the webhook routes. test/fixtures/README.md names the sources.
const githubPush = readFileSync(new URL('../fixtures/github/push.with-new-branch.payload.json', import.meta.url));
const notionEvent = readFileSync(new URL('../fixtures/notion/webhooks/page.content_updated.json', import.meta.url));
const confluenceEvent = readFileSync(new URL('../fixtures/confluence/webhooks/page_updated.json', import.meta.url));

const sign = (key: string, body: Buffer | string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
const ADMIN = 'admin-token-for-tests';

type Config = { webhook_secret: string | string[]; metadata?: Record<string, unknown> };
type Fake = RecordingConnector<Config> & { kind: string };

class Manager extends FakeWebhookManager<Fake> {
  connector(name: string) {
    return this.connectors.find((c) => c.name === name);
  }
}

function connector(kind: string, name: string, webhookSecret: string | string[], metadata: Record<string, unknown> = {}): Fake {
  return Object.assign(recordingConnector<Config>(name, { webhook_secret: webhookSecret, metadata }), { kind });
}

const github = (secret: string | string[] = 'gh-secret') => connector('github', 'gh', secret, { owner: 'Codertocat', repo: 'Hello-World', docs_path: '' });

type Line = { level: string; message: string; fields: Record<string, unknown> };
function recordingLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void lines.push({ level, message, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const servers: Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(app: Koa): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function start(kind: string, connectors: Fake[], options: { rateLimited?: boolean } = {}) {
  const manager = new Manager(kind, connectors);
  const logger = recordingLogger();
  const refusals = options.rateLimited ? createRateLimitedLog(logger, { intervalMs: 60_000 }) : undefined;
  const app = createApp({ manager: manager as unknown as ConnectorManager, logger, adminToken: ADMIN, refusals });
  return { url: await listen(app), manager, logger, refusals };
}

const postGithub = (url: string, body: Buffer | string, signature?: string) =>
  fetch(`${url}/webhooks/github`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), ...(signature ? { 'x-hub-signature-256': signature } : {}) },
  });
const postNotion = (url: string, body: Buffer | string, signature?: string) =>
  fetch(`${url}/webhooks/notion`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...(signature ? { 'x-notion-signature': signature } : {}) } });
const postConfluence = (url: string, body: Buffer | string, headers: Record<string, string> = {}) =>
  fetch(`${url}/webhooks/confluence?event=page_updated`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('signatures before parsing', () => {
  it('GitHub: a wrongly signed body is never parsed, whichever repository it names', async () => {
    const { url } = await start('github', [github()]);
    const parse = vi.spyOn(JSON, 'parse');
    const body = `{"repository":{"full_name":"Codertocat/Hello-World"},"marker":"${randomUUID()}"}`;
    const response = await postGithub(url, body, sign('wrong', body));
    expect(response.status).toBe(401);
    expect(parse.mock.calls.some(([text]) => String(text).includes('marker'))).toBe(false);
  });

  it('Notion: an unsigned body larger than a handshake is never parsed, even when it holds only a verification_token', async () => {
    const notion = connector('notion', 'notion', '');
    const { url, manager } = await start('notion', [notion]);
    const parse = vi.spyOn(JSON, 'parse');
    const padded = `{"verification_token":"secret_attacker"${' '.repeat(2048)}}`;
    const response = await postNotion(url, padded);
    // Not a handshake: no key is known, so the delivery waits for verification; the attacker's token is not stored.
    expect(response.status).toBe(503);
    expect(await manager.webhookSecrets.get('notion')).toBeNull();
    expect(parse.mock.calls.some(([text]) => String(text).includes('secret_attacker'))).toBe(false);
  });
});

describe('body caps per source', () => {
  it('Notion refuses a body over 64 KB and Confluence one over 256 KB with 413, before reading it', async () => {
    expect([NOTION_PAYLOAD_CAP_BYTES, CONFLUENCE_PAYLOAD_CAP_BYTES]).toEqual([64 * 1024, 256 * 1024]);
    const notionApp = await start('notion', [connector('notion', 'notion', 'key')]);
    expect((await postNotion(notionApp.url, Buffer.alloc(NOTION_PAYLOAD_CAP_BYTES + 1, 32))).status).toBe(413);
    const confluenceApp = await start('confluence', [connector('confluence', 'wiki', 'key')]);
    expect((await postConfluence(confluenceApp.url, Buffer.alloc(CONFLUENCE_PAYLOAD_CAP_BYTES + 1, 32))).status).toBe(413);
  });
});

describe('secret rotation: webhook_secret: [current, previous]', () => {
  it('keeps one string valid and takes a list of at most two non-empty secrets', () => {
    expect(connectorSchema.parse({ webhook_secret: 'one' }).webhook_secret).toBe('one');
    expect(connectorSchema.parse({ webhook_secret: ['new', 'old'] }).webhook_secret).toEqual(['new', 'old']);
    expect(connectorSchema.safeParse({ webhook_secret: ['a', 'b', 'c'] }).success).toBe(false);
    expect(connectorSchema.safeParse({ webhook_secret: ['a', ''] }).success).toBe(false);
  });

  it('GitHub accepts deliveries signed with either secret and counts which one matched', async () => {
    const gh = github(['new-secret', 'old-secret']);
    const { url } = await start('github', [gh]);
    expect((await postGithub(url, githubPush, sign('old-secret', githubPush))).status).toBe(202);
    expect((await postGithub(url, githubPush, sign('new-secret', githubPush))).status).toBe(202);
    expect((await postGithub(url, githubPush, sign('older-secret', githubPush))).status).toBe(401);
    expect(gh.matched).toEqual({ current: 1, previous: 1 });
    expect(gh.rejections).toBe(1);
  });

  it('Notion and Confluence accept the previous secret too, counted as previous', async () => {
    const notion = connector('notion', 'notion', ['n-new', 'n-old']);
    const notionApp = await start('notion', [notion]);
    expect((await postNotion(notionApp.url, notionEvent, sign('n-old', notionEvent))).status).toBe(200);
    expect(notion.matched).toEqual({ current: 0, previous: 1 });

    const wiki = connector('confluence', 'wiki', ['c-new', 'c-old']);
    const confluenceApp = await start('confluence', [wiki]);
    const sentNow = Buffer.from(JSON.stringify({ ...JSON.parse(confluenceEvent.toString('utf8')), timestamp: Date.now() }));
    const hex = (key: string) => createHmac('sha256', key).update(sentNow).digest('hex');
    expect((await postConfluence(confluenceApp.url, sentNow, { 'x-hub-signature': hex('c-new') })).status).toBe(200);
    expect((await postConfluence(confluenceApp.url, confluenceEvent, { 'x-inlet-webhook-secret': 'c-old' })).status).toBe(200);
    expect(wiki.matched).toEqual({ current: 1, previous: 1 });
  });
});

describe('the Notion verification token: admin only, rotatable', () => {
  const admin = { authorization: `Bearer ${ADMIN}` };

  it('is read with the admin token only, and DELETE lets the next handshake store a new one', async () => {
    const { url, manager, logger } = await start('notion', [connector('notion', 'notion', '')]);
    const path = `${url}/connectors/notion/webhook-verification`;
    expect((await fetch(path, { headers: admin })).status).toBe(404);
    expect((await postNotion(url, JSON.stringify({ verification_token: 'secret_first' }))).status).toBe(200);

    expect((await fetch(path)).status).toBe(401);
    expect((await fetch(path, { method: 'DELETE' })).status).toBe(401);
    const read = await fetch(path, { headers: admin });
    expect(read.status).toBe(200);
    expect(read.headers.get('cache-control')).toBe('no-store');
    expect(await read.json()).toEqual({ connector: 'notion', verification_token: 'secret_first' });

    // A second handshake is refused until an admin forgets the stored token.
    expect((await postNotion(url, JSON.stringify({ verification_token: 'secret_second' }))).status).toBe(409);
    const forget = await fetch(path, { method: 'DELETE', headers: admin });
    expect(await forget.json()).toEqual({ connector: 'notion', forgotten: true });
    expect((await postNotion(url, JSON.stringify({ verification_token: 'secret_second' }))).status).toBe(200);
    expect(await manager.webhookSecrets.get('notion')).toBe('secret_second');
    expect(JSON.stringify(logger.lines)).not.toMatch(/secret_first|secret_second/);
  });

  it('answers 404 for a connector that is not a Notion connector', async () => {
    const { url } = await start('github', [github()]);
    expect((await fetch(`${url}/connectors/gh/webhook-verification`, { headers: admin })).status).toBe(404);
  });
});

describe('refusals are rate-limited in the log', () => {
  it('writes one line for 30 badly signed deliveries on each route', async () => {
    for (const [kind, fake, post] of [
      ['github', github(), (url: string) => postGithub(url, githubPush, sign('wrong', githubPush))],
      ['notion', connector('notion', 'notion', 'key'), (url: string) => postNotion(url, notionEvent, sign('wrong', notionEvent))],
      ['confluence', connector('confluence', 'wiki', 'key'), (url: string) => postConfluence(url, confluenceEvent, { 'x-hub-signature': 'f'.repeat(64) })],
    ] as const) {
      const { url, logger, refusals } = await start(kind, [fake], { rateLimited: true });
      for (let i = 0; i < 30; i++) expect((await post(url)).status).toBe(401);
      expect(logger.lines.filter((l) => /refused/.test(l.message))).toHaveLength(1);
      refusals?.flush();
    }
  });
});

describe('replay window where the body is signed (Confluence Data Center)', () => {
  const signedAt = (timestamp: number) => Buffer.from(JSON.stringify({ ...JSON.parse(confluenceEvent.toString('utf8')), timestamp }));
  const hex = (body: Buffer) => createHmac('sha256', 'key').update(body).digest('hex');

  it('refuses a signed delivery whose timestamp is more than 5 minutes old or ahead, and records nothing', async () => {
    const wiki = connector('confluence', 'wiki', 'key');
    const { url, manager } = await start('confluence', [wiki]);
    for (const skew of [-6 * 60_000, 6 * 60_000]) {
      const body = signedAt(Date.now() + skew);
      const response = await postConfluence(url, body, { 'x-hub-signature': hex(body) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('STALE_DELIVERY');
    }
    expect(wiki.delivered).toEqual([]);
    // page_updated's id is <page>@<version>: still unrecorded, so a fresh delivery of that version is taken.
    const fresh = signedAt(Date.now() - 60_000);
    expect((await postConfluence(url, fresh, { 'x-hub-signature': hex(fresh) })).status).toBe(200);
    expect(await manager.deliveries.firstDelivery('confluence:wiki', `${JSON.parse(fresh.toString()).page.id}@${JSON.parse(fresh.toString()).page.version}`)).toBe(false);
  });

  it('does not judge the timestamp of a relay delivery, whose body is not signed', async () => {
    const { url } = await start('confluence', [connector('confluence', 'wiki', 'key')]);
    expect((await postConfluence(url, confluenceEvent, { 'x-inlet-webhook-secret': 'key' })).status).toBe(200);
  });
});
