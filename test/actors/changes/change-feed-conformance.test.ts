import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type Change, type ChangeFeed, type ChangeRecord, isChangeCursorError, RedisChangeFeed, SqliteChangeFeed } from '../../../src/actors/changes/index.ts';
import { eventually } from '../../support/temp-service.ts';

const redisUrl = inject('redisUrl');
const clients: (Redis | Cluster)[] = [];
const clusterNodes = inject('redisClusterNodes');
const dirs: string[] = [];
afterAll(() => {
  for (const client of clients) client.disconnect();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A backend's way to open a feed, twice over the same storage (two writers, or a restart), and to drop it. */
interface FeedSite {
  open(options?: { retention?: number }): ChangeFeed;
  close(): Promise<void>;
}

/** A feed site on Redis: standalone or a Cluster (the script's two keys share the queue's hash tag, so one slot). */
function redisSite(connectOnce: () => Redis | Cluster): FeedSite {
  const prefix = `{test:${randomUUID()}:queue}`;
  const opened: (Redis | Cluster)[] = [];
  const connect = () => {
    const client = connectOnce();
    opened.push(client);
    clients.push(client);
    return client;
  };
  return {
    open: (options) => new RedisChangeFeed(connect(), prefix, connect, { ...options, blockMs: 100 }),
    async close() {
      await opened[0]?.del(`${prefix}:changes`, `${prefix}:changes:last-commit`);
      for (const client of opened) client.disconnect();
    },
  };
}

const backends: { name: string; available: boolean; site(): FeedSite }[] = [
  { name: 'redis', available: redisUrl !== '', site: () => redisSite(() => new Redis(redisUrl)) },
  {
    name: 'redis cluster',
    available: clusterNodes !== '',
    site: () =>
      redisSite(
        () =>
          new Cluster(
            clusterNodes.split(',').map((node) => ({ host: node.slice(0, node.lastIndexOf(':')), port: Number(node.slice(node.lastIndexOf(':') + 1)) })),
          ),
      ),
  },
  {
    name: 'sqlite',
    available: true,
    site() {
      const dir = mkdtempSync(join(tmpdir(), 'inlet-changes-'));
      dirs.push(dir);
      const dbs: Database.Database[] = [];
      return {
        open(options) {
          const db = new Database(join(dir, 'inlet.db'));
          db.pragma('journal_mode = WAL');
          dbs.push(db);
          return new SqliteChangeFeed(db, { ...options, pollMs: 20 });
        },
        async close() {
          for (const db of dbs) db.close();
        },
      };
    },
  },
];

const upsert = (n: number): ChangeRecord => ({ docId: `docs:${n}.md`, source: 'docs', kind: 'upsert', path: `${n}.md` });
const ids = (changes: Change[]) => changes.map((c) => c.docId);

async function cursorProblem(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isChangeCursorError(error)) throw new Error(`expected a ChangeCursorError, got ${String(error)}`);
  return error.problem;
}

for (const backend of backends) {
  if (!backend.available) console.warn(`!!! SKIPPING the ${backend.name} change feed suite: no server for it in this run`);
  describe.skipIf(!backend.available)(`change feed on ${backend.name}`, () => {
    it('keeps the appends of two writers in commit order, with commit times', async () => {
      const site = backend.site();
      const [a, b] = [site.open(), site.open()];
      const before = Date.now();
      await a.append([upsert(1)]);
      await b.append([upsert(2), { docId: 'docs:1.md', source: 'docs', kind: 'delete', path: '1.md' }]);
      await a.append([{ ...upsert(3), url: 'https://example.test/3' }]);
      const page = await b.read('0', 10);
      expect(ids(page.changes)).toEqual(['docs:1.md', 'docs:2.md', 'docs:1.md', 'docs:3.md']);
      expect(page.changes.map((c) => c.kind)).toEqual(['upsert', 'upsert', 'delete', 'upsert']);
      expect(page.changes[3]).toMatchObject({ source: 'docs', path: '3.md', url: 'https://example.test/3' });
      for (const change of page.changes) expect(Date.parse(change.committedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(page.nextCursor).toBe(page.changes[3].cursor);
      expect(page.hasMore).toBe(false);
      await site.close();
    });

    it('reads on from a cursor, at most limit changes, saying when more follow', async () => {
      const site = backend.site();
      const feed = site.open();
      await feed.append([1, 2, 3, 4, 5].map(upsert));
      const first = await feed.read('0', 2);
      expect(ids(first.changes)).toEqual(['docs:1.md', 'docs:2.md']);
      expect(first.hasMore).toBe(true);
      const second = await feed.read(first.nextCursor, 2);
      expect(ids(second.changes)).toEqual(['docs:3.md', 'docs:4.md']);
      const third = await feed.read(second.nextCursor, 2);
      expect(ids(third.changes)).toEqual(['docs:5.md']);
      expect(third.hasMore).toBe(false);
      const idle = await feed.read(third.nextCursor, 2);
      expect(idle).toEqual({ changes: [], nextCursor: third.nextCursor, hasMore: false });
      // Without a cursor: the newest changes, still oldest first, and the cursor after them.
      const recent = await feed.read(undefined, 2);
      expect(ids(recent.changes)).toEqual(['docs:4.md', 'docs:5.md']);
      expect(recent.nextCursor).toBe(third.nextCursor);
      await site.close();
    });

    it('survives a reopen: the changes, the cursors and the last commit per document are still there', async () => {
      const site = backend.site();
      const feed = site.open();
      await feed.append([upsert(1), upsert(2)]);
      const { nextCursor } = await feed.read('0', 1);
      const reopened = site.open();
      expect(ids((await reopened.read(nextCursor, 10)).changes)).toEqual(['docs:2.md']);
      const last = await reopened.lastCommitted(['docs:1.md', 'docs:9.md']);
      expect([...last.keys()]).toEqual(['docs:1.md']);
      await site.close();
    });

    it('answers a malformed, a foreign and an expired cursor with a ChangeCursorError saying which', async () => {
      const site = backend.site();
      const feed = site.open({ retention: 3 });
      const empty = await feed.read(undefined, 10);
      expect(empty.changes).toEqual([]);
      await feed.append([upsert(1)]);
      const { nextCursor: old } = await feed.read('0', 1);
      expect(await cursorProblem(feed.read('not a cursor', 10))).toBe('malformed');
      expect(await cursorProblem(feed.read(backend.name.startsWith('redis') ? '99999999999999-0' : '999999', 10))).toBe('unknown');
      // Redis trims whole stream nodes (MAXLEN ~): enough appends that the first node goes.
      for (let i = 0; i < 30; i++) await feed.append(Array.from({ length: 10 }, (_, j) => upsert(100 + i * 10 + j)));
      expect(await cursorProblem(feed.read(old, 10))).toBe('expired');
      const error = await feed.read(old, 10).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/expired.*read without a cursor/);
      await site.close();
    });

    it('tells a follower about changes another writer commits', async () => {
      const site = backend.site();
      const [writer, reader] = [site.open(), site.open()];
      const seen: Change[] = [];
      const stop = await reader.follow(
        (changes) => seen.push(...changes),
        (error) => {
          throw error;
        },
      );
      await writer.append([upsert(7)]);
      await eventually('the follower saw the change', () => expect(ids(seen)).toEqual(['docs:7.md']), 5000);
      stop();
      await site.close();
    });
  });
}
