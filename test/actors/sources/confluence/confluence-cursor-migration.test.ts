import { afterEach, describe, expect, it } from 'vitest';
import { type FakeConfluence, startFakeConfluence } from '../../../support/fake-confluence.ts';
import { confluencePoller, confluenceSourceFor, summary } from './confluence-test-kit.ts';

let fake: FakeConfluence | undefined;
afterEach(async () => fake?.close());

/** The version 1 cursor the same state was saved as before issue 12: every page's version, parent and type inside it. */
async function asVersion1(p: ReturnType<typeof confluencePoller>) {
  const pages: Record<string, string> = {};
  const types: Record<string, string> = {};
  for (const [id, value] of await p.state.documents.load('confluence')) {
    const [type, key] = value.split(' ');
    pages[id] = key!;
    types[id] = type!;
  }
  return { ...(p.state.cursor as object), version: 1, pages, types };
}

describe('Confluence source: cursor format migration', () => {
  it('moves the pages and types of a version 1 cursor into the per-document state, re-ingesting nothing', async () => {
    fake = await startFakeConfluence();
    const parent = fake.addPage({ space: 'ENG', title: 'Parent' });
    fake.addPage({ space: 'ENG', title: 'Child', parentId: parent });
    const before = confluencePoller(confluenceSourceFor(fake));
    await before.poll();
    const held = new Map(await before.state.documents.load('confluence'));
    expect(held.size).toBe(2);

    const after = confluencePoller(confluenceSourceFor(fake));
    after.state.cursor = await asVersion1(before);
    const migrated = await after.poll();
    expect(migrated.events).toEqual([]);
    expect(new Map(Object.entries(migrated.documents!.set))).toEqual(held);
    expect(migrated.nextCursor).toEqual({ version: 2, scope: expect.any(Object), since: expect.any(String), lastDeletionCheck: expect.any(String) });
  });

  it('after the migration, a page edited later is the only one re-ingested', async () => {
    fake = await startFakeConfluence();
    const a = fake.addPage({ space: 'ENG', title: 'A' });
    fake.addPage({ space: 'ENG', title: 'B' });
    const before = confluencePoller(confluenceSourceFor(fake));
    await before.poll();
    const after = confluencePoller(confluenceSourceFor(fake));
    after.state.cursor = await asVersion1(before);
    await after.poll();
    fake.editPage(a, { title: 'A2', storage: '<p>new</p>' });
    expect(summary(await after.poll())).toEqual(['upsert A2']);
  });
});

describe('Confluence source: no cursor', () => {
  it('keeps per-document state left without a cursor (a cursor write that failed): unchanged pages are not sent again, and a held page that is gone is deleted', async () => {
    fake = await startFakeConfluence();
    // Six pages, so one missing stays under the mass-deletion guard's 20 %.
    for (const title of ['A', 'B', 'C', 'D', 'E']) fake.addPage({ space: 'ENG', title });
    const gone = fake.addPage({ space: 'ENG', title: 'F' });
    const p = confluencePoller(confluenceSourceFor(fake));
    expect(summary(await p.poll())).toEqual(['upsert A', 'upsert B', 'upsert C', 'upsert D', 'upsert E', 'upsert F']);
    // The state was saved, then the cursor write failed; B is purged before the retry.
    p.state.cursor = null;
    fake.removePage(gone);
    const again = await p.poll();
    expect(summary(again)).toEqual([`delete wiki:${gone}`]);
    expect(again.documents!.delete).toEqual([gone]);
  });
});
