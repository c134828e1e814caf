import Router from '@koa/router';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/actors/log/logger.ts';
import type { ConnectorManager } from '../../src/actors/system/connector-manager.ts';
import { connectorSchema } from '../../src/config/schema.ts';
import { createApp } from '../../src/http/create-app.ts';
import { errorMiddleware } from '../../src/http/error-middleware.ts';
import { createGithubWebhookRoute, type GithubWebhookConnector, type GithubWebhookDeps } from '../../src/http/github-webhook-route.ts';
import { verifyGithubSignature } from '../../src/http/verify-github-signature.ts';
import { eventually, jsonOf, startTempService, type TempService } from '../support/temp-service.ts';
import { FakeWebhookManager, type RecordingConnector, recordingConnector } from '../support/fake-webhook-deps.ts';

// Compile-time check: the real ConnectorManager is a valid dependency of the route.
const _managerFits: (m: ConnectorManager) => GithubWebhookDeps = (m) => m;
void _managerFits;

// Recorded GitHub deliveries; test/fixtures/README.md names each file's source.
const FIXTURES = new URL('../fixtures/github/', import.meta.url);
const bytesOf = (name: string) => readFileSync(new URL(name, FIXTURES));
const jsonFixture = (name: string) => JSON.parse(bytesOf(name).toString('utf8')) as Record<string, unknown>;
const vector = jsonFixture('signature-test-vector.json') as { secret: string; payload: string; signature: string };

const SECRET = 'webhook-secret-for-tests';
const ZERO = '0000000000000000000000000000000000000000';
const sign = (secret: string, body: Buffer | string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
/** push.with-new-branch: refs/heads/master (the default branch) of Codertocat/Hello-World, one commit adding README.md. */
const newBranchPush = bytesOf('push.with-new-branch.payload.json');
const pushWith = (fields: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(newBranchPush.toString('utf8')), ...fields });
const commit = (files: { added?: string[]; removed?: string[]; modified?: string[] }) => ({ added: [], removed: [], modified: [], ...files });

type ErrorBody = { error: { code: string; message: string } };


type FakeConnector = RecordingConnector<GithubWebhookConnector['config']>;

function fakeConnector(name: string, metadata: Record<string, unknown>, webhookSecret = SECRET): FakeConnector {
  return recordingConnector(name, { webhook_secret: webhookSecret, metadata });
}

class FakeManager extends FakeWebhookManager<FakeConnector> implements GithubWebhookDeps {
  constructor(connectors: FakeConnector[]) {
    super('github', connectors);
  }
}

type LogLine = { level: string; message: string; fields: Record<string, unknown> };
function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void lines.push({ level, message, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const servers: Server[] = [];
let service: TempService | undefined;
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  await service?.stop();
  service = undefined;
});

async function listen(app: Koa): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/** The real createApp over the fake manager (only the webhook route touches it). */
async function startApp(manager: FakeManager, options: { allowUnsignedWebhooks?: boolean } = {}) {
  const logger = recordingLogger();
  const app = createApp({ manager: manager as unknown as ConnectorManager, logger, adminToken: '', ...options });
  return { url: await listen(app), logger };
}

function post(url: string, body: Buffer | string, headers: Record<string, string | undefined>): Promise<Response> {
  const defined = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
  return fetch(`${url}/webhooks/github`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...defined } });
}

/** GitHub's headers for a delivery; `signature: undefined` leaves the signature out. */
function hookHeaders(event: string, body: Buffer | string, options: { id?: string; secret?: string; signature?: string | null } = {}) {
  const signature = options.signature === null ? undefined : (options.signature ?? sign(options.secret ?? SECRET, body));
  return {
    'x-github-event': event,
    'x-github-delivery': options.id ?? randomUUID(),
    'x-hub-signature-256': signature,
    'user-agent': 'GitHub-Hookshot/044aadd',
  };
}

const helloWorld = (metadata: Record<string, unknown> = {}, secret = SECRET) =>
  fakeConnector('gh', { owner: 'Codertocat', repo: 'Hello-World', docs_path: '', ...metadata }, secret);

describe('verifyGithubSignature', () => {
  it("accepts GitHub's documented test vector", () => {
    expect(vector.secret).toBe("It's a Secret to Everybody");
    expect(verifyGithubSignature(vector.secret, Buffer.from(vector.payload, 'utf8'), vector.signature)).toBe(true);
    expect(verifyGithubSignature(vector.secret, Buffer.from(vector.payload), vector.signature.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
  });

  it('refuses another secret, another body, and malformed or missing headers', () => {
    const body = Buffer.from(vector.payload);
    const hex = vector.signature.slice('sha256='.length);
    expect(verifyGithubSignature('another secret', body, vector.signature)).toBe(false);
    expect(verifyGithubSignature(vector.secret, Buffer.from('Hello, World?'), vector.signature)).toBe(false);
    expect(verifyGithubSignature(vector.secret, body, undefined)).toBe(false);
    expect(verifyGithubSignature(vector.secret, body, hex)).toBe(false);
    expect(verifyGithubSignature(vector.secret, body, `sha1=${hex}`)).toBe(false);
    expect(verifyGithubSignature(vector.secret, body, `sha256=${hex.slice(0, 62)}`)).toBe(false);
    expect(verifyGithubSignature(vector.secret, body, `sha256=${hex}zz`)).toBe(false);
    expect(verifyGithubSignature(vector.secret, body, `sha256=${hex}00`)).toBe(false);
    expect(verifyGithubSignature('', body, sign('', body))).toBe(false);
  });
});

describe('POST /webhooks/github', () => {
  it('accepts a signed push on the tracked branch and delivers it once with its changes', async () => {
    const gh = helloWorld();
    const { url } = await startApp(new FakeManager([gh]));
    const id = randomUUID();
    // The fixture's exact bytes: the HMAC is over the raw body, so nothing may re-serialise it.
    const response = await post(url, newBranchPush, hookHeaders('push', newBranchPush, { id }));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: true, changes: 1 });
    expect(gh.delivered).toEqual([
      {
        deliveryId: id,
        event: 'push',
        payload: {
          before: ZERO,
          after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
          forced: false,
          ref: 'refs/heads/master',
          changes: { 'README.md': 'upsert' },
          truncated: false,
        },
        coalesceKey: 'push',
      },
    ]);
  });

  it('stamps the delivery with its arrival, the "seen" time of the changes its poll finds (issue 14)', async () => {
    const gh = helloWorld();
    const { url } = await startApp(new FakeManager([gh]));
    const before = Date.now();
    expect((await post(url, newBranchPush, hookHeaders('push', newBranchPush))).status).toBe(202);
    const after = Date.now();
    expect(gh.receivedAt).toHaveLength(1);
    const arrival = Date.parse(gh.receivedAt[0] ?? '');
    expect(arrival).toBeGreaterThanOrEqual(before);
    expect(arrival).toBeLessThanOrEqual(after);
  });

  it('answers a redelivery (same X-GitHub-Delivery) 200 duplicate and delivers nothing more', async () => {
    const gh = helloWorld();
    const { url } = await startApp(new FakeManager([gh]));
    const headers = hookHeaders('push', newBranchPush);
    expect((await post(url, newBranchPush, headers)).status).toBe(202);
    const again = await post(url, newBranchPush, headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    expect(gh.delivered).toHaveLength(1);
  });

  it('collapses the commits of a push and keeps only paths under docs_path', async () => {
    const gh = helloWorld({ docs_path: 'docs' });
    const { url } = await startApp(new FakeManager([gh]));
    const body = pushWith({
      commits: [
        commit({ added: ['docs/gone.md', 'docs/kept.md', 'src/index.ts'] }),
        commit({ removed: ['docs/gone.md', 'docs/back.md'], modified: ['README.md'] }),
        commit({ added: ['docs/back.md'], modified: ['docsite/page.md'] }),
      ],
    });
    const response = await post(url, body, hookHeaders('push', body));
    expect(await response.json()).toEqual({ accepted: true, changes: 3 });
    expect((gh.delivered[0].payload as { changes: unknown }).changes).toEqual({
      'docs/gone.md': 'delete',
      'docs/kept.md': 'upsert',
      'docs/back.md': 'upsert',
    });
  });

  it('refuses a missing signature with 401, counts it on every GitHub connector (an unverified body names no repository) and delivers nothing', async () => {
    const gh = helloWorld();
    const other = fakeConnector('handbook', { owner: 'acme', repo: 'handbook', docs_path: 'docs' });
    const { url, logger } = await startApp(new FakeManager([gh, other]));
    const id = randomUUID();
    const response = await post(url, newBranchPush, hookHeaders('push', newBranchPush, { id, signature: null }));
    expect(response.status).toBe(401);
    expect((await jsonOf<ErrorBody>(response)).error.code).toBe('BAD_SIGNATURE');
    expect([gh.rejections, other.rejections]).toEqual([1, 1]);
    expect(gh.delivered).toEqual([]);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ delivery_id: id }) }));
  });

  it('refuses a wrong signature with 401 and never logs or returns the secret', async () => {
    const gh = helloWorld();
    const { url, logger } = await startApp(new FakeManager([gh]));
    const response = await post(url, newBranchPush, hookHeaders('push', newBranchPush, { secret: 'not-the-secret' }));
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe('BAD_SIGNATURE');
    expect(gh.rejections).toBe(1);
    expect(gh.delivered).toEqual([]);
    expect(text + JSON.stringify(logger.lines)).not.toContain(SECRET);
  });

  it('answers an unverifiable non-JSON body 401 (not 400) and counts it on every GitHub connector', async () => {
    const gh = helloWorld();
    const other = fakeConnector('handbook', { owner: 'acme', repo: 'handbook' });
    const { url } = await startApp(new FakeManager([gh, other]));
    const response = await post(url, 'not json', hookHeaders('push', 'not json', { secret: 'wrong' }));
    expect(response.status).toBe(401);
    expect([gh.rejections, other.rejections]).toEqual([1, 1]);
  });

  it('refuses deliveries with 503 when the connector has no webhook_secret, naming the key in the log', async () => {
    const gh = helloWorld({}, '');
    const { url, logger } = await startApp(new FakeManager([gh]));
    const response = await post(url, newBranchPush, hookHeaders('push', newBranchPush));
    expect(response.status).toBe(503);
    expect((await jsonOf<ErrorBody>(response)).error.code).toBe('WEBHOOK_SECRET_NOT_CONFIGURED');
    expect(gh.delivered).toEqual([]);
    expect(gh.rejections).toBe(0);
    // The error middleware logs every 5xx too; the route's own line names the key to set.
    const errors = logger.lines.filter((l) => l.level === 'error' && l.fields.key !== undefined);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain('connectors.gh.webhook_secret');
    expect(errors[0].fields).toMatchObject({ connector: 'gh', key: 'connectors.gh.webhook_secret' });
  });

  it('accepts unsigned deliveries with INLET_ALLOW_UNSIGNED_WEBHOOKS, warning once, but still refuses a wrong signature', async () => {
    const gh = helloWorld();
    const { url, logger } = await startApp(new FakeManager([gh]), { allowUnsignedWebhooks: true });
    for (let i = 0; i < 2; i++) {
      const response = await post(url, newBranchPush, hookHeaders('push', newBranchPush, { signature: null }));
      expect(response.status).toBe(202);
    }
    expect(gh.delivered).toHaveLength(2);
    expect(logger.lines.filter((l) => l.message.includes('unsigned'))).toHaveLength(1);
    const wrong = await post(url, newBranchPush, hookHeaders('push', newBranchPush, { secret: 'wrong' }));
    expect(wrong.status).toBe(401);
    expect(gh.delivered).toHaveLength(2);
  });

  it('accepts deliveries for a connector without a secret only with the development flag', async () => {
    const gh = helloWorld({}, '');
    const { url } = await startApp(new FakeManager([gh]), { allowUnsignedWebhooks: true });
    const response = await post(url, newBranchPush, hookHeaders('push', newBranchPush, { signature: null }));
    expect(response.status).toBe(202);
    expect(gh.delivered).toHaveLength(1);
  });

  it('answers a signed body that is not JSON with 400 BAD_JSON', async () => {
    const gh = helloWorld();
    const { url } = await startApp(new FakeManager([gh]));
    for (const body of ['{"ref": "refs/heads/mas', '[1, 2]', 'payload=%7B%7D']) {
      const response = await post(url, body, hookHeaders('push', body));
      expect(response.status).toBe(400);
      expect((await jsonOf<ErrorBody>(response)).error.code).toBe('BAD_JSON');
    }
    const form = await fetch(`${url}/webhooks/github`, {
      method: 'POST',
      body: 'payload=%7B%7D',
      headers: { ...hookHeaders('push', 'payload=%7B%7D'), 'content-type': 'application/x-www-form-urlencoded' } as Record<string, string>,
    });
    expect((await jsonOf<ErrorBody>(form)).error.message).toContain('application/json');
    expect(gh.delivered).toEqual([]);
  });

  it('answers a missing X-GitHub-Delivery with 400', async () => {
    const gh = helloWorld();
    const { url } = await startApp(new FakeManager([gh]));
    const response = await post(url, newBranchPush, { ...hookHeaders('push', newBranchPush), 'x-github-delivery': undefined });
    expect(response.status).toBe(400);
    expect((await jsonOf<ErrorBody>(response)).error.code).toBe('MISSING_DELIVERY_ID');
  });

  it('refuses a body over the limit with 413 without delivering', async () => {
    const gh = helloWorld();
    const manager = new FakeManager([gh]);
    const app = new Koa();
    const router = new Router();
    router.post('/webhooks/github', createGithubWebhookRoute({ deps: manager, logger: recordingLogger(), maxBodyBytes: 1024 }));
    app.use(errorMiddleware(recordingLogger()));
    app.use(router.routes());
    const url = await listen(app);
    const big = pushWith({ padding: 'x'.repeat(64 * 1024) });
    const response = await post(url, big, hookHeaders('push', big));
    expect(response.status).toBe(413);
    expect((await jsonOf<ErrorBody>(response)).error.code).toBe('BODY_TOO_LARGE');
    // Streamed without Content-Length: counted while reading.
    const chunks = [Buffer.from(big.slice(0, 1000)), Buffer.from(big.slice(1000))];
    const stream = new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()) : c.close()) });
    const streamed = await fetch(`${url}/webhooks/github`, { method: 'POST', body: stream, duplex: 'half', headers: hookHeaders('push', big) as Record<string, string> } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(gh.delivered).toEqual([]);
  });

  it('refuses a declared Content-Length over 25 MB before the body arrives', async () => {
    const { url } = await startApp(new FakeManager([helloWorld()]));
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/webhooks/github`, { method: 'POST', headers: { 'content-length': String(25 * 1024 * 1024 + 1), 'x-github-event': 'push' } });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status).toBe(413);
  });

  it('answers ping with 200 and its zen', async () => {
    const { url } = await startApp(new FakeManager([helloWorld()]));
    const ping = bytesOf('ping.payload.json');
    const response = await post(url, ping, hookHeaders('ping', ping));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, zen: 'Anything added dilutes everything else.' });
  });

  it('ignores with 202 and a reason: other repositories, branches, tags, deletions, paths and events', async () => {
    const gh = helloWorld({ docs_path: 'docs' });
    const probot = fakeConnector('probot', { owner: 'BKEEPERS-INC', repo: 'Test', docs_path: '' });
    const { url } = await startApp(new FakeManager([gh, probot]));
    const send = async (event: string, body: Buffer | string) => {
      const response = await post(url, body, hookHeaders(event, body));
      expect(response.status).toBe(202);
      return jsonOf<{ ignored: boolean; reason: string }>(response);
    };
    expect(await send('push', pushWith({ repository: { full_name: 'someone/else', default_branch: 'master' } }))).toEqual({
      ignored: true,
      reason: 'repository someone/else is not configured',
    });
    expect(await send('push', bytesOf('push.probot-modified-file.payload.json'))).toEqual({
      ignored: true,
      reason: 'ref refs/heads/bkeepers-patch-3 is not the tracked branch master',
    });
    // The octokit push example is a tag deletion.
    expect((await send('push', bytesOf('push.payload.json'))).reason).toBe('ref refs/tags/simple-tag is not the tracked branch master');
    expect(await send('push', pushWith({ deleted: true, created: false, after: ZERO, commits: [] }))).toEqual({ ignored: true, reason: 'branch deletion' });
    expect(await send('push', newBranchPush)).toEqual({ ignored: true, reason: 'no change under docs_path' });
    expect(await send('installation', bytesOf('installation.created.payload.json'))).toEqual({ ignored: true, reason: 'event installation is not handled' });
    expect((await send('repository', bytesOf('repository.renamed.payload.json'))).reason).toBe('event repository is not handled');
    expect([gh.delivered, probot.delivered]).toEqual([[], []]);
  });

  it('follows metadata.branch instead of the default branch', async () => {
    const probot = fakeConnector('probot', { owner: 'bkeepers-inc', repo: 'test', branch: 'bkeepers-patch-3' });
    const { url } = await startApp(new FakeManager([probot]));
    const body = bytesOf('push.probot-modified-file.payload.json');
    const response = await post(url, body, hookHeaders('push', body));
    expect(await response.json()).toEqual({ accepted: true, changes: 1 });
    expect(probot.delivered[0].payload).toMatchObject({ ref: 'refs/heads/bkeepers-patch-3', changes: { 'README.md': 'upsert' } });
  });

  it('delivers a forced push even without listed changes under docs_path', async () => {
    const gh = helloWorld({ docs_path: 'docs' });
    const { url } = await startApp(new FakeManager([gh]));
    const body = pushWith({ forced: true });
    expect(await (await post(url, body, hookHeaders('push', body))).json()).toEqual({ accepted: true, changes: 0 });
    expect(gh.delivered[0].payload).toMatchObject({ forced: true, changes: {} });
    // Its own key: a later ordinary push must not replace it, or the poll would miss the reconciliation.
    expect(gh.delivered[0].coalesceKey).toBe('push:forced');
  });

  it('answers 503 with Retry-After while the queue is unreachable, without marking the delivery seen', async () => {
    const gh = helloWorld();
    const manager = new FakeManager([gh]);
    const { url } = await startApp(manager);
    const headers = hookHeaders('push', newBranchPush);
    manager.queue = { state: 'unreachable', full: false };
    const refused = await post(url, newBranchPush, headers);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect((await jsonOf<ErrorBody>(refused)).error.code).toBe('QUEUE_UNAVAILABLE');
    expect(gh.delivered).toEqual([]);
    manager.queue = { state: 'flowing', full: false };
    const retried = await post(url, newBranchPush, headers);
    expect(retried.status).toBe(202);
    expect(await retried.json()).toEqual({ accepted: true, changes: 1 });
    expect(gh.delivered).toHaveLength(1);
  });

  it('answers 503 with Retry-After when the queue is full, the delivery log is down, or the connector buffer is full', async () => {
    const gh = helloWorld();
    const manager = new FakeManager([gh]);
    const { url } = await startApp(manager);
    const expect503 = async (code: string) => {
      const response = await post(url, newBranchPush, hookHeaders('push', newBranchPush));
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
    gh.bufferFull = true;
    await expect503('WEBHOOK_BUFFER_FULL');
    expect(gh.delivered).toEqual([]);
    // The refused delivery was forgotten: GitHub's redelivery of the same id is accepted, not taken as a duplicate.
    gh.bufferFull = false;
    expect((await post(url, newBranchPush, hookHeaders('push', newBranchPush))).status).toBe(202);
    expect(gh.delivered).toHaveLength(1);
  });

  it('still answers pings and ignored pushes while the queue is unreachable', async () => {
    const manager = new FakeManager([helloWorld({ docs_path: 'docs' })]);
    manager.queue = { state: 'unreachable', full: false };
    const { url } = await startApp(manager);
    const ping = bytesOf('ping.payload.json');
    expect((await post(url, ping, hookHeaders('ping', ping))).status).toBe(200);
    expect((await post(url, newBranchPush, hookHeaders('push', newBranchPush))).status).toBe(202);
  });

  it('delivers to every connector following the repository, each with its own docs_path and duplicate check', async () => {
    const guides = helloWorld({ docs_path: 'guides' });
    const api = fakeConnector('api', { owner: 'Codertocat', repo: 'Hello-World', docs_path: 'api' });
    const { url } = await startApp(new FakeManager([guides, api]));
    const body = pushWith({ commits: [commit({ added: ['guides/a.md', 'api/b.md', 'api/c.md'] })] });
    const headers = hookHeaders('push', body);
    expect(await (await post(url, body, headers)).json()).toEqual({ accepted: true, changes: 3 });
    expect((guides.delivered[0].payload as { changes: unknown }).changes).toEqual({ 'guides/a.md': 'upsert' });
    expect((api.delivered[0].payload as { changes: unknown }).changes).toEqual({ 'api/b.md': 'upsert', 'api/c.md': 'upsert' });
    expect(await (await post(url, body, headers)).json()).toEqual({ duplicate: true });
  });

  it('answers 404 when no GitHub connector is configured', async () => {
    const { url } = await startApp(new FakeManager([]));
    const response = await post(url, newBranchPush, hookHeaders('push', newBranchPush));
    expect(response.status).toBe(404);
    expect((await jsonOf<ErrorBody>(response)).error.code).toBe('NO_GITHUB_CONNECTOR');
  });

  it('hands a signed push to a real GitHub connector and counts a bad signature in its health', async () => {
    service = await startTempService();
    service.manager.registerConnector(
      'gh',
      'github',
      connectorSchema.parse({
        kind: 'github',
        webhook_secret: SECRET,
        poll_interval_seconds: 3600,
        circuit_breaker_timeout_seconds: 1,
        // Nothing listens on the discard port: the connector's own fetches fail fast and never leave the machine.
        metadata: { owner: 'Codertocat', repo: 'Hello-World', docs_path: '', api_url: 'http://127.0.0.1:9' },
      }),
    );
    const headers = hookHeaders('push', newBranchPush);
    const accepted = await post(service.url, newBranchPush, headers);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ accepted: true, changes: 1 });
    expect(await (await post(service.url, newBranchPush, headers)).json()).toEqual({ duplicate: true });
    expect((await post(service.url, newBranchPush, hookHeaders('push', newBranchPush, { secret: 'wrong' }))).status).toBe(401);
    const manager = service.manager;
    await eventually('the signature failure in the health report', async () => {
      const report = await manager.health();
      return report.connectors.find((c) => c.name === 'gh')?.stats.webhook_signature_failures === 1;
    });
  });
});
