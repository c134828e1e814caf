import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Embedder } from '../../src/actors/embed/embedder.ts';
import { EmbedderUnavailableError } from '../../src/actors/embed/embedder-unavailable-error.ts';
import { HashedEmbedder } from '../../src/actors/embed/hashed-embedder.ts';
import { OpenAiEmbedder } from '../../src/actors/embed/openai-embedder.ts';
import { silentLogger } from '../../src/actors/log/logger.ts';
import { createEventProcessor } from '../../src/actors/pipeline/process-event.ts';
import { type SearchFn, type SearchResult, searchDocuments } from '../../src/actors/search/search-documents.ts';
import { SqliteGraphStore } from '../../src/actors/stores/sqlite-graph-store.ts';
import { SqliteVectorStore } from '../../src/actors/stores/sqlite-vector-store.ts';
import type { ConnectorManager } from '../../src/actors/system/connector-manager.ts';
import { openDatabase } from '../../src/actors/system/open-backends.ts';
import { parseCommandLine } from '../../src/commands/command-line.ts';
import { operate } from '../../src/commands/operate.ts';
import { createApp } from '../../src/http/create-app.ts';
import { upsertEvent } from '../support/events.ts';
import { type FakeEmbeddingsServer, startFakeEmbeddingsServer } from '../support/fake-embeddings-server.ts';

type ErrorBody = { error: { code: string; message: string } };

/** A guide linking to two other documents of the same source, plus an unrelated source mentioning the same topic. */
const DOCS: { source: string; path: string; content: string }[] = [
  {
    source: 'docs',
    path: 'guide.md',
    content:
      '# Deployment guide\n\nDeploy inlet with docker compose: deploy the redis, neo4j and qdrant services first, then deploy inlet.\n\n' +
      'Read [the setup](setup.md) and [the configuration reference](reference/config.md) before you deploy.\n',
  },
  { source: 'docs', path: 'setup.md', content: '# Setup\n\nInstall Node 20 and clone the repository. Run npm install.\n' },
  { source: 'docs', path: 'reference/config.md', content: '# Configuration\n\nEvery key of inlet.yaml with its unit and default value.\n' },
  { source: 'wiki', path: 'ops.md', content: '# Operations\n\nOn call engineers deploy hotfixes on Fridays.\n' },
];

let dir: string;
let db: Database.Database;
let server: Server | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'inlet-search-'));
  db = openDatabase(join(dir, 'inlet.db'));
});
afterEach(async () => {
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Real embedded stores on the temp file, the documents ingested through the event processor; returns the search. */
async function ingested(embedder: Embedder): Promise<SearchFn> {
  const graph = new SqliteGraphStore(db);
  const vector = new SqliteVectorStore(db);
  await graph.init();
  await vector.init(embedder.dimension);
  const processor = createEventProcessor({ graph, vector, embedder });
  for (const doc of DOCS) {
    await processor.process(upsertEvent(doc.path, { source: doc.source, docId: `${doc.source}:${doc.path}`, id: `${doc.source}:${doc.path}:1`, content: doc.content }), 1);
  }
  return (query) => searchDocuments({ embedder, vector, graph }, query);
}

/** The app on a free port with only what /search needs: the manager is never called there. */
async function serve(search: SearchFn | undefined): Promise<string> {
  const app = createApp({ manager: {} as ConnectorManager, logger: silentLogger, adminToken: '', search });
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: (await response.json()) as T };
}

describe('GET /search', () => {
  it('finds the linking document first, with the documents it links to and the links back to it', async () => {
    const url = await serve(await ingested(new HashedEmbedder()));
    const { status, body } = await get<SearchResult>(`${url}/search?q=${encodeURIComponent('how do I deploy inlet')}`);
    expect(status).toBe(200);
    expect(body.query).toBe('how do I deploy inlet');
    const [first] = body.results;
    expect(first.document).toEqual({ id: 'docs:guide.md', title: 'Deployment guide', url: null, path: 'guide.md', source: 'docs', metadata: {} });
    expect(first.chunk.text).toContain('docker compose');
    expect(first.chunk.index).toBe(0);
    expect(first.score).toBeGreaterThan(0);
    expect(first.links_to.map((d) => d.id).sort()).toEqual(['docs:reference/config.md', 'docs:setup.md']);
    expect(first.links_to.find((d) => d.id === 'docs:setup.md')).toEqual({ id: 'docs:setup.md', title: 'Setup', path: 'setup.md', url: null });
    expect(first.linked_from).toEqual([]);

    const setup = await get<SearchResult>(`${url}/search?q=${encodeURIComponent('install node clone repository')}`);
    const hit = setup.body.results[0];
    expect(hit.document.id).toBe('docs:setup.md');
    expect(hit.linked_from).toEqual([{ id: 'docs:guide.md', title: 'Deployment guide', path: 'guide.md', url: null }]);
    expect(hit.links_to).toEqual([]);
  });

  it('returns at most k hits, best first, and only from the source asked for', async () => {
    const url = await serve(await ingested(new HashedEmbedder()));
    const two = await get<SearchResult>(`${url}/search?q=deploy&k=2`);
    expect(two.body.results).toHaveLength(2);
    expect(two.body.results[0].score).toBeGreaterThanOrEqual(two.body.results[1].score);
    const all = await get<SearchResult>(`${url}/search?q=deploy`);
    expect(all.body.results.map((r) => r.document.source)).toContain('wiki');
    const docsOnly = await get<SearchResult>(`${url}/search?q=deploy&source=docs`);
    expect(docsOnly.body.results.length).toBeGreaterThan(0);
    expect(docsOnly.body.results.every((r) => r.document.source === 'docs')).toBe(true);
    const wikiOnly = await get<SearchResult>(`${url}/search?q=deploy&source=wiki`);
    expect(wikiOnly.body.results.map((r) => r.document.id)).toEqual(['wiki:ops.md']);
    const referenceOnly = await get<SearchResult>(`${url}/search?q=configuration&path_prefix=reference%2F`);
    expect(referenceOnly.body.results.map((r) => r.document.id)).toEqual(['docs:reference/config.md']);
  });

  it('finds an exact term by its words and ranks it first (hybrid), saying on which side it ranked', async () => {
    const url = await serve(await ingested(new HashedEmbedder()));
    const { body } = await get<SearchResult>(`${url}/search?q=${encodeURIComponent('inlet.yaml')}`);
    expect(body.results[0].document.id).toBe('docs:reference/config.md');
    expect(body.results[0].ranks).toEqual({ vector: expect.any(Number), text: 1 });
  });

  it('asks the graph once per document, however many of its chunks hit', async () => {
    const embedder = new HashedEmbedder();
    const graph = new SqliteGraphStore(db);
    const vector = new SqliteVectorStore(db);
    await graph.init();
    await vector.init(embedder.dimension);
    const long = `# Big\n\n${Array.from({ length: 6 }, (_, i) => `## Part ${i}\n\nDeploy step ${i}.\n`).join('\n')}`;
    await createEventProcessor({ graph, vector, embedder }).process(upsertEvent('big.md', { content: long }), 1);
    const neighbours = vi.spyOn(graph, 'neighbours');
    const result = await searchDocuments({ embedder, vector, graph }, { q: 'deploy step', k: 5 });
    expect(result.results.length).toBeGreaterThan(1);
    expect(new Set(result.results.map((r) => r.document.id)).size).toBe(1);
    expect(neighbours).toHaveBeenCalledTimes(1);
  });

  it('works with an OpenAI-compatible embedder', async () => {
    const fake: FakeEmbeddingsServer = await startFakeEmbeddingsServer({ dimension: 256 });
    try {
      const embedder = await OpenAiEmbedder.create({ url: `${fake.url}/v1`, model: 'fake-256' });
      const url = await serve(await ingested(embedder));
      const { body } = await get<SearchResult>(`${url}/search?q=${encodeURIComponent('install node clone repository')}&k=1`);
      expect(body.results.map((r) => r.document.id)).toEqual(['docs:setup.md']);
      expect(fake.requests.at(-1)?.body).toEqual({ model: 'fake-256', input: ['install node clone repository'] });
    } finally {
      await fake.close();
    }
  });

  it.each([
    ['/search', 'MISSING_QUERY'],
    ['/search?q=', 'MISSING_QUERY'],
    ['/search?q=%20%20', 'MISSING_QUERY'],
    ['/search?q=a&q=b', 'MISSING_QUERY'],
    ['/search?q=deploy&k=0', 'BAD_K'],
    ['/search?q=deploy&k=101', 'BAD_K'],
    ['/search?q=deploy&k=2.5', 'BAD_K'],
    ['/search?q=deploy&k=ten', 'BAD_K'],
    ['/search?q=deploy&k=', 'BAD_K'],
    ['/search?q=deploy&source=a&source=b', 'BAD_SOURCE'],
    ['/search?q=deploy&path_prefix=a&path_prefix=b', 'BAD_PATH_PREFIX'],
  ])('answers %s with 400 %s as JSON', async (path, code) => {
    const url = await serve(await ingested(new HashedEmbedder()));
    const { status, body } = await get<ErrorBody>(`${url}${path}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
  });

  it('answers 503 SEARCH_UNAVAILABLE when the app has no search', async () => {
    const url = await serve(undefined);
    const { status, body } = await get<ErrorBody>(`${url}/search?q=deploy`);
    expect(status).toBe(503);
    expect(body.error.code).toBe('SEARCH_UNAVAILABLE');
  });

  it('answers 503 EMBEDDER_UNAVAILABLE when the embedder is down', async () => {
    const down: Embedder = {
      model: 'down',
      dimension: 384,
      maxInputTokens: 8191,
      embed: async () => {
        throw new EmbedderUnavailableError('http://127.0.0.1:1/v1/embeddings', 5, new Error('fetch failed'));
      },
    };
    const graph = new SqliteGraphStore(db);
    const vector = new SqliteVectorStore(db);
    const url = await serve((query) => searchDocuments({ embedder: down, vector, graph }, query));
    const { status, body } = await get<ErrorBody>(`${url}/search?q=deploy`);
    expect(status).toBe(503);
    expect(body.error).toEqual({ code: 'EMBEDDER_UNAVAILABLE', message: 'the embedder is unreachable; retry later' });
  });
});

describe('inlet search', () => {
  it('sends the words after `search` as q and prints the answer', async () => {
    const url = await serve(await ingested(new HashedEmbedder()));
    const line = parseCommandLine(['search', 'deploy', 'inlet']);
    expect(line.command.http?.path(line.args)).toBe('/search?q=deploy%20inlet');
    const printed: string[] = [];
    const code = await operate(line.command, line.args, { baseUrl: url, adminToken: '' }, (text) => printed.push(text));
    expect(code).toBe(0);
    const answer = JSON.parse(printed[0]) as SearchResult;
    expect(answer.query).toBe('deploy inlet');
    expect(answer.results[0].document.id).toBe('docs:guide.md');
  });

  it('refuses a search without a query, naming what it needs', () => {
    expect(() => parseCommandLine(['search'])).toThrow("'search' needs <query...>");
  });
});
