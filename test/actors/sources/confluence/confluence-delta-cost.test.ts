import { afterEach, describe, expect, it } from 'vitest';
import { type FakeConfluence, startFakeConfluence } from '../../../support/fake-confluence.ts';
import { confluencePoller, confluenceSourceFor } from './confluence-test-kit.ts';

let fake: FakeConfluence | undefined;
afterEach(async () => fake?.close());

const PAGES = 2000;
const TWO_DAYS_MS = 2 * 86_400_000;

/**
 * A site of `PAGES` pages, backfilled. They were last edited ten minutes apart, the newest two days ago, so the
 * delta's re-read window (overlap plus the 1 h time-zone slack) holds a handful of them, as on a real site.
 */
async function backfilledSite() {
  fake = await startFakeConfluence({ maxPageSize: 250 });
  const ids: string[] = [];
  for (let i = 0; i < PAGES; i++) ids.push(fake.addPage({ space: 'ENG', title: `Page ${i}`, modifiedAt: Date.now() - TWO_DAYS_MS - i * 600_000 }));
  const p = confluencePoller(confluenceSourceFor(fake, { page_size: 250, time_zone: 'UTC' }));
  const backfill = await p.poll();
  expect(backfill.events).toHaveLength(PAGES);
  return { fake, ids, p };
}

describe(`Confluence source: the cost of a poll does not grow with the pages held (${PAGES} pages)`, () => {
  it('a poll after 10 pages changed costs O(10) requests, events and state writes, not O(pages)', async () => {
    const { fake, ids, p } = await backfilledSite();
    const requestsBefore = fake.requests.length;
    for (const id of ids.slice(500, 510)) fake.editPage(id, { storage: '<p>edited</p>' });
    const delta = await p.poll();
    expect(delta.events.map((e) => e.kind)).toEqual(Array(10).fill('upsert'));
    expect(fake.requests.length - requestsBefore).toBeLessThanOrEqual(2);
    expect(Object.keys(delta.documents!.set)).toHaveLength(10);
    expect(delta.documents!.delete).toEqual([]);
    // The cursor holds no page: its size does not depend on them.
    expect(JSON.stringify(delta.nextCursor).length).toBeLessThan(400);
  });

  it('an idle poll writes no per-document state and a cursor under 1 KB', async () => {
    const { fake, p } = await backfilledSite();
    const requestsBefore = fake.requests.length;
    const written = { ...p.state.documents.written };
    const idle = await p.poll();
    expect(idle.events).toEqual([]);
    expect(fake.requests.length - requestsBefore).toBe(1);
    expect(p.state.documents.written).toEqual(written);
    expect(Buffer.byteLength(JSON.stringify(idle.nextCursor))).toBeLessThan(1024);
  });
});
