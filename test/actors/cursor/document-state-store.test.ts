import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CachedDocumentStateStore } from '../../../src/actors/cursor/cached-document-state-store.ts';
import type { DocumentStateStore } from '../../../src/actors/cursor/document-state-store.ts';
import { RedisDocumentStateStore } from '../../../src/actors/cursor/redis-document-state-store.ts';
import { SqliteDocumentStateStore } from '../../../src/actors/cursor/sqlite-document-state-store.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 1 });
afterAll(() => redis.quit());

/** Stores opened by a test, cleared after it through the public API. */
const opened: DocumentStateStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) for (const connector of ['wiki', 'notion', 'big']) await store.clear(connector);
});
function track<T extends DocumentStateStore>(store: T): T {
  opened.push(store);
  return store;
}

const backends: [string, () => DocumentStateStore][] = [
  ['redis', () => track(new RedisDocumentStateStore(redis, `test:${randomUUID()}:queue`))],
  ['sqlite', () => new SqliteDocumentStateStore(new Database(':memory:'))],
];

describe.each(backends)('per-document state store on %s', (_name, open) => {
  it('holds nothing before the first write', async () => {
    expect((await open().load('wiki')).size).toBe(0);
  });

  it('writes changed entries, deletes forgotten ones and keeps the rest', async () => {
    const store = open();
    await store.apply('wiki', { set: { a: '1', b: '2', c: '3' }, delete: [] });
    await store.apply('wiki', { set: { b: '22' }, delete: ['c'] });
    expect(Object.fromEntries(await store.load('wiki'))).toEqual({ a: '1', b: '22' });
  });

  it('keeps connectors apart, and clears one without touching the other', async () => {
    const store = open();
    await store.apply('wiki', { set: { a: '1' }, delete: [] });
    await store.apply('notion', { set: { a: '2' }, delete: [] });
    await store.clear('wiki');
    expect((await store.load('wiki')).size).toBe(0);
    expect(Object.fromEntries(await store.load('notion'))).toEqual({ a: '2' });
  });

  it('loads 5,000 entries written in one poll', async () => {
    const store = open();
    const set = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`page-${i}`, `v${i}`]));
    await store.apply('big', { set, delete: [] });
    const loaded = await store.load('big');
    expect(loaded.size).toBe(5000);
    expect(loaded.get('page-4999')).toBe('v4999');
  });
});

describe('per-document state on Redis', () => {
  it('lives in one hash per connector, tagged with the queue name so it shares the queue’s Cluster slot', async () => {
    const name = `test:${randomUUID()}:queue`;
    const store = track(new RedisDocumentStateStore(redis, name));
    await store.apply('wiki', { set: { a: '1' }, delete: [] });
    expect(store.keyOf('wiki')).toBe(`{${name}}:source-state:wiki`);
    expect(await redis.hgetall(store.keyOf('wiki'))).toEqual({ a: '1' });
  });
});

describe('cached per-document state', () => {
  it('reads the store once, then serves its copy, which changes only once the store took the write', async () => {
    const inner = new SqliteDocumentStateStore(new Database(':memory:'));
    await inner.apply('wiki', { set: { a: '1' }, delete: [] });
    let loads = 0;
    let failWrites = false;
    const counting: DocumentStateStore = {
      load: (c) => {
        loads++;
        return inner.load(c);
      },
      apply: async (c, changes) => {
        if (failWrites) throw new Error('store down');
        await inner.apply(c, changes);
      },
      clear: (c) => inner.clear(c),
    };
    const cached = new CachedDocumentStateStore(counting);
    await cached.load('wiki');
    await cached.apply('wiki', { set: { b: '2' }, delete: ['a'] });
    expect(Object.fromEntries(await cached.load('wiki'))).toEqual({ b: '2' });
    failWrites = true;
    await expect(cached.apply('wiki', { set: { c: '3' }, delete: [] })).rejects.toThrow('store down');
    expect(Object.fromEntries(await cached.load('wiki'))).toEqual({ b: '2' });
    expect(loads).toBe(1);
  });
});
