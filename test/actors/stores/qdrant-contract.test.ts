/**
 * CONTRACT tests of QdrantVectorStore: the adapter runs against test/support/qdrant-contract-server, which checks
 * every request against Qdrant's own OpenAPI specification (point-id format included) and emulates just enough of
 * Qdrant to answer. They pin the wire format; they do NOT replace the suite against a real Qdrant
 * (vector-store-conformance.test.ts with QDRANT_URL set), which is the only proof of Qdrant's actual behaviour.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { QdrantClient } from '@qdrant/js-client-rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createQdrantClient } from '../../../src/actors/stores/qdrant-client-factory.ts';
import { QDRANT_POINT_NAMESPACE, qdrantPointId, uuidV5 } from '../../../src/actors/stores/qdrant-point-id.ts';
import { QdrantVectorStore } from '../../../src/actors/stores/qdrant-vector-store.ts';
import { isStoreUnavailableError } from '../../../src/actors/stores/store-errors.ts';
import type { VersionAuthority } from '../../../src/actors/stores/document-version.ts';
import type { VectorPoint } from '../../../src/actors/stores/vector-store.ts';
import { type QdrantContractServer, startQdrantContractServer } from '../../support/qdrant-contract-server.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const point = (docId: string, chunkIndex: number, vector: number[], source = 'docs'): VectorPoint => ({
  chunkId: `${docId}#${chunkIndex}`,
  docId,
  chunkIndex,
  vector: new Float32Array(vector),
  payload: {
    source,
    path: `${docId}.md`,
    url: `https://example.com/${docId}`,
    title: docId,
    heading: 'Intro',
    text: `chunk ${chunkIndex}`,
    contentHash: 'h1',
    updatedAt: '2024-05-01T00:00:00.000Z',
    embeddingModel: 'test-4',
  },
});

/** The graph's answer when it holds `version` of every document asked about (as after the worker's own graph write). */
const graphAt =
  (version: number, deleted = false): VersionAuthority =>
  async (ids) =>
    new Map(ids.map((id) => [id, { version, deleted }]));

const unit = (i: number, dimension = 4) => Array.from({ length: dimension }, (_, j) => (j === i % dimension ? 1 : 0.01 * (i + 1)));

describe('QdrantVectorStore contract tests (requests checked against Qdrant OpenAPI; not a real server)', () => {
  let server: QdrantContractServer;
  let client: QdrantClient;
  let store: QdrantVectorStore;
  const sent = (operation: string) => server.requests.filter((r) => r.operationId === operation);

  beforeEach(async () => {
    server = await startQdrantContractServer();
    client = createQdrantClient(server.url);
    store = new QdrantVectorStore(client, 'chunks');
  });
  afterEach(async () => {
    expect(server.responseViolations).toEqual([]);
    await server.close();
  });

  it('init creates a 4-dimensional cosine collection and waited indexes on doc_id, source and version', async () => {
    await store.init(4);
    expect(sent('create_collection').map((r) => r.body)).toEqual([{ vectors: { size: 4, distance: 'Cosine' } }]);
    const indexes = sent('create_field_index');
    expect(indexes.map((r) => r.body)).toEqual([
      { field_name: 'doc_id', field_schema: 'keyword' },
      { field_name: 'source', field_schema: 'keyword' },
      { field_name: 'version', field_schema: 'integer' },
    ]);
    expect(indexes.every((r) => r.query.wait === 'true')).toBe(true);
    expect(server.violations).toEqual([]);
  });

  it('init on an existing collection of the same size creates nothing', async () => {
    await store.init(4);
    const before = server.requests.length;
    await new QdrantVectorStore(createQdrantClient(server.url), 'chunks').init(4);
    const again = server.requests.slice(before).map((r) => r.operationId);
    expect(again).toEqual(['collection_exists', 'get_collection']);
    expect(server.violations).toEqual([]);
  });

  it('init with another dimension throws naming both sizes and the collection', async () => {
    await store.init(4);
    await expect(new QdrantVectorStore(client, 'chunks').init(8)).rejects.toThrow(/"chunks" holds 4-dimensional vectors .* produces 8/);
    expect(server.violations).toEqual([]);
  });

  it('replaceDocument upserts v5 UUID point ids of chunk and version with wait=true and the snake_case payload', async () => {
    await store.init(4);
    await store.replaceDocument('a', 3, [point('a', 0, unit(0)), point('a', 1, unit(1))], graphAt(3));
    const [upsert] = sent('upsert_points');
    expect(upsert.query.wait).toBe('true');
    const points = (upsert.body as { points: { id: string; payload: Record<string, unknown> }[] }).points;
    expect(points.map((p) => p.id)).toEqual([qdrantPointId('a#0', 3), qdrantPointId('a#1', 3)]);
    for (const p of points) expect(p.id).toMatch(UUID);
    expect(points[1].payload).toEqual({
      chunk_id: 'a#1',
      doc_id: 'a',
      chunk_index: 1,
      source: 'docs',
      path: 'a.md',
      url: 'https://example.com/a',
      title: 'a',
      heading: 'Intro',
      text: 'chunk 1',
      content_hash: 'h1',
      updated_at: '2024-05-01T00:00:00.000Z',
      embedding_model: 'test-4',
      version: 3,
    });
    expect(server.violations).toEqual([]);
  });

  it('upserts more than 64 points in batches of 64', async () => {
    await store.init(4);
    await store.replaceDocument('big', 1, Array.from({ length: 130 }, (_, i) => point('big', i, unit(i))), graphAt(1));
    expect(sent('upsert_points').map((r) => (r.body as { points: unknown[] }).points.length)).toEqual([64, 64, 2]);
    expect(await store.countPoints()).toBe(130);
    expect(server.violations).toEqual([]);
  });

  it('a replace the graph agrees with sends a waited delete-by-filter of the document’s older versions', async () => {
    await store.init(4);
    await store.replaceDocument('a', 1, [point('a', 0, unit(0)), point('a', 1, unit(1)), point('a', 2, unit(2))], graphAt(1));
    expect(await store.replaceDocument('a', 2, [point('a', 0, unit(0))], graphAt(2))).toEqual({ applied: true });
    const deletes = sent('delete_points');
    expect(deletes.at(-1)?.query.wait).toBe('true');
    expect(deletes.at(-1)?.body).toEqual({
      filter: { must: [{ key: 'doc_id', match: { value: 'a' } }], must_not: [{ key: 'version', range: { gte: 2 } }] },
    });
    expect(await store.countPoints()).toBe(1);
    expect(server.violations).toEqual([]);
  });

  it('a replace the graph has moved past deletes the points it wrote, by doc id and its version', async () => {
    await store.init(4);
    await store.replaceDocument('a', 5, [point('a', 0, unit(0))], graphAt(5));
    expect(await store.replaceDocument('a', 4, [point('a', 0, unit(1)), point('a', 1, unit(2))], graphAt(5))).toEqual({ applied: false });
    expect(sent('delete_points').at(-1)?.body).toEqual({
      filter: {
        must: [
          { key: 'doc_id', match: { value: 'a' } },
          { key: 'version', match: { value: 4 } },
        ],
      },
    });
    expect((await store.search(new Float32Array(unit(0)), 10)).map((h) => [h.chunkId, h.version])).toEqual([['a#0', 5]]);
    // A tombstone of a newer delete takes a replace back the same way.
    expect(await store.replaceDocument('a', 6, [point('a', 0, unit(1))], graphAt(7, true))).toEqual({ applied: false });
    expect(await store.countPoints()).toBe(1);
    expect(server.violations).toEqual([]);
  });

  it('replaceDocument with no points and deleteDocument delete the document’s points up to their version, waiting', async () => {
    await store.init(4);
    await store.replaceDocument('a', 1, [point('a', 0, unit(0)), point('a', 1, unit(1))], graphAt(1));
    await store.replaceDocument('b', 2, [point('b', 0, unit(2))], graphAt(2));
    await store.replaceDocument('a', 3, [], graphAt(3));
    expect(await store.countPoints()).toBe(1);
    expect(await store.deleteDocument('b', 4, graphAt(4, true))).toEqual({ applied: true });
    expect(await store.countPoints()).toBe(0);
    const deletes = sent('delete_points').slice(-2);
    expect(deletes.map((r) => r.body)).toEqual([
      { filter: { must: [{ key: 'doc_id', match: { value: 'a' } }], must_not: [{ key: 'version', range: { gte: 3 } }] } },
      { filter: { must: [{ key: 'doc_id', match: { value: 'b' } }], must_not: [{ key: 'version', range: { gt: 4 } }] } },
    ]);
    expect(deletes.every((r) => r.query.wait === 'true')).toBe(true);
    expect(server.violations).toEqual([]);
  });

  it('a delete leaves the points of a newer version and answers applied: false when the graph holds it', async () => {
    await store.init(4);
    await store.replaceDocument('a', 9, [point('a', 0, unit(0))], graphAt(9));
    expect(await store.deleteDocument('a', 8, graphAt(9))).toEqual({ applied: false });
    expect(await store.countPoints()).toBe(1);
    expect(server.violations).toEqual([]);
  });

  it('points written before versions (old ids, no version in the payload) read as version 0 and go with the next change', async () => {
    await store.init(4);
    const legacyId = uuidV5('a#0', QDRANT_POINT_NAMESPACE);
    await client.upsert('chunks', { wait: true, points: [{ id: legacyId, vector: unit(0), payload: { doc_id: 'a', chunk_id: 'a#0', chunk_index: 0, text: 'old' } }] });
    expect((await store.search(new Float32Array(unit(0)), 1))[0]).toMatchObject({ chunkId: 'a#0', version: 0 });
    await store.replaceDocument('a', 1, [point('a', 0, unit(0))], graphAt(1));
    expect((await store.search(new Float32Array(unit(0)), 10)).map((h) => [h.chunkId, h.version])).toEqual([['a#0', 1]]);
    expect(server.violations).toEqual([]);
  });

  it('search queries with the limit, the payload and the source filter, and maps hits back to camelCase', async () => {
    await store.init(4);
    await store.replaceDocument('a', 1, [point('a', 0, [1, 0, 0, 0], 'wiki')], graphAt(1));
    await store.replaceDocument('b', 1, [point('b', 0, [1, 1, 0, 0], 'docs')], graphAt(1));
    const hits = await store.search(new Float32Array([1, 0, 0, 0]), 5, { source: 'docs' });
    expect(sent('query_points').at(-1)?.body).toEqual({
      query: [1, 0, 0, 0],
      limit: 5,
      with_payload: true,
      filter: { must: [{ key: 'source', match: { value: 'docs' } }] },
    });
    expect(hits).toEqual([{ chunkId: 'b#0', docId: 'b', chunkIndex: 0, score: expect.closeTo(Math.SQRT1_2, 5), version: 1, payload: point('b', 0, []).payload }]);
    expect(server.violations).toEqual([]);
  });

  it('countPoints asks for an exact count', async () => {
    await store.init(4);
    await store.countPoints();
    expect(sent('count_points').at(-1)?.body).toEqual({ exact: true });
    expect(server.violations).toEqual([]);
  });

  it('a request Qdrant rejects (wrong vector size) is a plain error, not an outage', async () => {
    await store.init(4);
    const error = await store.replaceDocument('a', 1, [point('a', 0, [1, 0, 0])], graphAt(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isStoreUnavailableError(error)).toBe(false);
    expect((error as Error).message).toMatch(/HTTP 400: Wrong input: Vector dimension error/);
  });
});

describe('QdrantVectorStore when Qdrant is unavailable', () => {
  let stub: Server | undefined;
  afterEach(async () => {
    stub?.closeAllConnections();
    await new Promise((resolve) => stub?.close(resolve) ?? resolve(undefined));
    stub = undefined;
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    stub = createServer(handler);
    await new Promise<void>((resolve) => stub!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  }

  it('a refused connection is a StoreUnavailableError', async () => {
    const url = await serve(() => {});
    await new Promise((resolve) => stub!.close(resolve));
    stub = undefined;
    const error = await new QdrantVectorStore(createQdrantClient(url), 'c').countPoints().catch((e: unknown) => e);
    expect(isStoreUnavailableError(error)).toBe(true);
  });

  it('a 503 answer is a StoreUnavailableError carrying Qdrant’s message', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: { error: 'Service unavailable: shutting down' }, time: 0 }));
    });
    const error = await new QdrantVectorStore(createQdrantClient(url), 'c').countPoints().catch((e: unknown) => e);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect((error as Error).message).toMatch(/HTTP 503: Service unavailable: shutting down/);
  });

  it('no answer within the timeout is a StoreUnavailableError', async () => {
    const url = await serve(() => {}); // never answers
    const error = await new QdrantVectorStore(createQdrantClient(url, undefined, { timeoutMs: 200 }), 'c').countPoints().catch((e: unknown) => e);
    expect(isStoreUnavailableError(error)).toBe(true);
  });
});

describe('createQdrantClient', () => {
  // The address the client will call; private in the client, read here because the port rule is the point.
  const restUri = (url: string) => (createQdrantClient(url) as unknown as { _restUri: string })._restUri;

  it('keeps an explicit port', () => {
    expect(restUri('http://qdrant:6333')).toBe('http://qdrant:6333');
    expect(restUri('http://127.0.0.1:49152')).toBe('http://127.0.0.1:49152');
  });

  it('uses the scheme default port instead of the client’s 6333 when the URL has none', () => {
    expect(restUri('https://cloud.host')).toBe('https://cloud.host:443');
    expect(restUri('https://cloud.host:443')).toBe('https://cloud.host:443');
    expect(restUri('http://proxy.local')).toBe('http://proxy.local:80');
  });

  it('keeps a path as the prefix', () => {
    expect(restUri('https://gateway.example/qdrant/')).toBe('https://gateway.example:443/qdrant');
  });

  it('rejects a URL without http(s)', () => {
    expect(() => createQdrantClient('qdrant:6333')).toThrow(/http:\/\/ or https:\/\//);
  });
});

describe('qdrantPointId', () => {
  it('is RFC 9562 UUID v5 (test vector: www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('is a deterministic v5 UUID of the chunk id and the version in inlet’s namespace', () => {
    expect(qdrantPointId('docs:a.md#0', 7)).toBe(uuidV5('docs:a.md#0@7', QDRANT_POINT_NAMESPACE));
    expect(qdrantPointId('docs:a.md#0', 7)).toMatch(UUID);
    expect(qdrantPointId('docs:a.md#1', 7)).not.toBe(qdrantPointId('docs:a.md#0', 7));
    expect(qdrantPointId('docs:a.md#0', 8)).not.toBe(qdrantPointId('docs:a.md#0', 7));
  });
});

describe('the Qdrant contract server itself', () => {
  let server: QdrantContractServer;
  beforeEach(async () => {
    server = await startQdrantContractServer();
    await createQdrantClient(server.url).createCollection('c', { vectors: { size: 2, distance: 'Cosine' } });
  });
  afterEach(() => server.close());

  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  it('flags a point id that is neither an unsigned integer nor a UUID, and answers 400', async () => {
    const response = await send('PUT', '/collections/c/points?wait=true', { points: [{ id: 'chunk-1', vector: [1, 0] }] });
    expect(response.status).toBe(400);
    expect(server.violations).toHaveLength(1);
    expect(server.violations[0]).toMatch(/upsert_points.*\/points\/0\/id.*(uuid|integer)/);
  });

  it('accepts the same point with a UUID or an unsigned integer id', async () => {
    await send('PUT', '/collections/c/points?wait=true', { points: [{ id: qdrantPointId('chunk-1', 1), vector: [1, 0] }] });
    await send('PUT', '/collections/c/points?wait=true', { points: [{ id: 7, vector: [0, 1] }] });
    expect(server.violations).toEqual([]);
  });

  it('flags a misspelt filter clause, a bad query parameter value and an unknown operation', async () => {
    await send('POST', '/collections/c/points/delete?wait=true', { filter: { muts: [] } });
    await send('POST', '/collections/c/points/delete?wait=yes', { filter: { must: [] } });
    await send('POST', '/collections/c/points/search', { vector: [1, 0], limit: 1 });
    expect(server.violations).toEqual([
      expect.stringMatching(/delete_points.*body.*additional properties/),
      expect.stringMatching(/query parameter wait=yes.*boolean/),
      expect.stringMatching(/POST \/collections\/c\/points\/search: no such operation/),
    ]);
  });
});
