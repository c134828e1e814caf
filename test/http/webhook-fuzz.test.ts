import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/actors/log/logger.ts';
import type { ConnectorManager } from '../../src/actors/system/connector-manager.ts';
import { planConfluenceEvent } from '../../src/http/confluence-webhook-event.ts';
import { createApp } from '../../src/http/create-app.ts';
import { FakeWebhookManager, type RecordingConnector, recordingConnector } from '../support/fake-webhook-deps.ts';

// Issue 13 part 6: random bodies and headers on each webhook route. Properties: no 5xx (but the deliberate 503 of a
// full buffer), nothing accepted without a valid signature, and no delivery id left recorded after a refusal.
// test/fixtures/README.md names the fixtures' sources.
const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url));
const SECRET = 'fuzz-secret';
const hmacHex = (key: string, body: Buffer) => createHmac('sha256', key).update(body).digest('hex');

type Config = { webhook_secret: string; metadata: Record<string, unknown> };
type Fake = RecordingConnector<Config>;

/** How a generated request is signed: not at all, garbage, the wrong key, over other bytes, or validly. */
type Signing = { kind: 'none' } | { kind: 'garbage'; value: string } | { kind: 'wrong-key'; key: string } | { kind: 'other-body' } | { kind: 'valid' };
const signing: fc.Arbitrary<Signing> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.string({ maxLength: 80 }).map((value) => ({ kind: 'garbage' as const, value })),
  fc.string({ minLength: 1, maxLength: 20 }).filter((k) => k !== SECRET).map((key) => ({ kind: 'wrong-key' as const, key })),
  fc.constant({ kind: 'other-body' as const }),
  fc.constant({ kind: 'valid' as const }),
);

/** Bodies: random bytes, random JSON, or a real delivery with random fields merged in. */
const bodyFrom = (real: Buffer): fc.Arbitrary<Buffer> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
    fc.json({ maxDepth: 3 }).map((text) => Buffer.from(text)),
    fc.dictionary(fc.constantFrom('id', 'type', 'ref', 'entity', 'page', 'commits', 'verification_token', 'timestamp', 'x'), fc.jsonValue({ maxDepth: 2 })).map((fields) =>
      Buffer.from(JSON.stringify({ ...JSON.parse(real.toString('utf8')), ...fields })),
    ),
    fc.constant(real),
  );

interface Route {
  kind: string;
  connector: Fake;
  path: string;
  real: Buffer;
  /** Headers for a body signed as `sig` says (the signature header, plus what the sender always sends). */
  headers(body: Buffer, sig: Signing, deliveryId: string): Record<string, string>;
  /** The delivery id the route would record for this request, when it has one. */
  deliveryIdOf(body: Buffer, headerId: string): string | undefined;
}

const signatureOf = (body: Buffer, sig: Signing, format: (hex: string) => string): string | undefined => {
  if (sig.kind === 'none') return undefined;
  if (sig.kind === 'garbage') return sig.value;
  if (sig.kind === 'wrong-key') return format(hmacHex(sig.key, body));
  if (sig.kind === 'other-body') return format(hmacHex(SECRET, Buffer.concat([body, Buffer.from(' ')])));
  return format(hmacHex(SECRET, body));
};

const jsonObject = (body: Buffer): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** Header values must be ISO-8859-1 without control characters, or fetch refuses to send them at all. */
const sendable = (value: string | undefined) => (value === undefined || /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value));

const routes: Route[] = [
  {
    kind: 'github',
    connector: recordingConnector('gh', { webhook_secret: SECRET, metadata: { owner: 'Codertocat', repo: 'Hello-World', docs_path: '' } }),
    path: '/webhooks/github',
    real: fixture('github/push.with-new-branch.payload.json'),
    headers: (body, sig, id) => {
      const signature = sendable(signatureOf(body, sig, (hex) => `sha256=${hex}`));
      return { 'x-github-event': 'push', 'x-github-delivery': id, ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }) };
    },
    deliveryIdOf: (_body, id) => id,
  },
  {
    kind: 'notion',
    connector: recordingConnector('notion', { webhook_secret: SECRET, metadata: {} }),
    path: '/webhooks/notion',
    real: fixture('notion/webhooks/page.content_updated.json'),
    headers: (body, sig) => {
      const signature = sendable(signatureOf(body, sig, (hex) => `sha256=${hex}`));
      return signature === undefined ? {} : ({ 'x-notion-signature': signature } as Record<string, string>);
    },
    deliveryIdOf: (body) => {
      const id = jsonObject(body)?.id;
      return typeof id === 'string' && id !== '' ? id : undefined;
    },
  },
  {
    kind: 'confluence',
    connector: recordingConnector('wiki', { webhook_secret: SECRET, metadata: {} }),
    path: '/webhooks/confluence',
    real: fixture('confluence/webhooks/page_updated.json'),
    headers: (body, sig) => {
      const signature = sendable(signatureOf(body, sig, (hex) => hex));
      return signature === undefined ? {} : ({ 'x-hub-signature': signature } as Record<string, string>);
    },
    deliveryIdOf: (body) => {
      const parsed = jsonObject(body);
      const plan = parsed ? planConfluenceEvent(parsed, undefined) : undefined;
      return plan && 'deliver' in plan ? plan.deliver.deliveryId : undefined;
    },
  },
];

describe.each(routes)('POST $path under random bodies and headers', (route) => {
  const manager = new FakeWebhookManager<Fake>(route.kind, [route.connector]);
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createApp({ manager: manager as unknown as ConnectorManager, logger: silentLogger, adminToken: 'a' }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${route.path}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('never answers 5xx, never accepts an invalid signature, never keeps a refused delivery id', async () => {
    let n = 0;
    /** Ids an earlier run had accepted: recorded rightly, so a later refusal of the same id proves nothing. */
    const accepted = new Set<string>();
    await fc.assert(
      fc.asyncProperty(bodyFrom(route.real), signing, fc.boolean(), fc.string({ maxLength: 40 }), async (body, sig, bufferFull, contentType) => {
        const deliveryId = `fuzz-${process.pid}-${++n}`;
        route.connector.bufferFull = bufferFull;
        const delivered = route.connector.delivered.length;
        const headers = { 'content-type': sendable(contentType) ?? '', ...route.headers(body, sig, deliveryId) };
        const response = await fetch(url, { method: 'POST', body, headers });
        const text = await response.text();
        const valid = sig.kind === 'valid';

        // The one deliberate 5xx: a validly signed delivery the connector has no room for, refused for a retry.
        if (response.status >= 500) expect({ status: response.status, valid, bufferFull, text }).toMatchObject({ status: 503, valid: true, bufferFull: true });
        if (!valid) {
          expect(response.status, text).toBeGreaterThanOrEqual(400);
          expect(route.connector.delivered.length).toBe(delivered);
        }
        const id = route.deliveryIdOf(body, deliveryId);
        if (response.status < 300 && id !== undefined) accepted.add(id);
        if (response.status >= 400 && id !== undefined && !accepted.has(id)) {
          const logKey = `${route.kind}:${route.connector.name}`;
          // Not recorded: this first-delivery check records it now, so forget it again.
          expect(await manager.deliveries.firstDelivery(logKey, id)).toBe(true);
          await manager.deliveries.forget(logKey, id);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
