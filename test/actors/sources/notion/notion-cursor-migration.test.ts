import { afterEach, describe, expect, it } from 'vitest';
import { block, type FakeNotion, startFakeNotion } from '../../../support/fake-notion.ts';
import { notionPoller, notionSourceFor, summary } from './notion-test-kit.ts';

let notion: FakeNotion | undefined;
afterEach(async () => notion?.close());

const minutesAgo = (n: number) => new Date(Math.floor(Date.now() / 60_000) * 60_000 - n * 60_000).toISOString();

/** The version 1 cursor the same state was saved as before issue 12: every page's hash and parent inside the cursor. */
async function asVersion1(p: ReturnType<typeof notionPoller>) {
  const entries = await p.state.documents.load('notion');
  const hashes: Record<string, string> = {};
  const parents: Record<string, string> = {};
  for (const [id, value] of entries) {
    const [parent, hash] = value.split(' ');
    parents[id] = parent!;
    if (hash) hashes[id] = hash;
  }
  return { ...(p.state.cursor as object), version: 1, hashes, parents };
}

describe('Notion source: cursor format migration', () => {
  it('moves the hashes and parents of a version 1 cursor into the per-document state, re-ingesting nothing', async () => {
    notion = await startFakeNotion();
    const root = notion.addPage({ title: 'Root', lastEditedTime: minutesAgo(60), blocks: [block.paragraph('r')] });
    notion.addPage({ title: 'Child', parent: root, lastEditedTime: minutesAgo(60), blocks: [block.paragraph('c')] });
    const before = notionPoller(notionSourceFor(notion));
    await before.poll();
    const held = new Map(await before.state.documents.load('notion'));

    const after = notionPoller(notionSourceFor(notion));
    after.state.cursor = await asVersion1(before);
    const migrated = await after.poll();
    expect(migrated.events).toEqual([]);
    expect(new Map(Object.entries(migrated.documents!.set))).toEqual(held);
    expect(migrated.nextCursor).toEqual({ version: 2, scope: expect.any(Object), since: expect.any(String), lastDeletionCheck: expect.any(String) });
  });

  it('after the migration, a page edited later is the only one re-ingested', async () => {
    notion = await startFakeNotion();
    const a = notion.addPage({ title: 'A', lastEditedTime: minutesAgo(60) });
    notion.addPage({ title: 'B', lastEditedTime: minutesAgo(60) });
    const before = notionPoller(notionSourceFor(notion));
    await before.poll();
    const after = notionPoller(notionSourceFor(notion));
    after.state.cursor = await asVersion1(before);
    await after.poll();
    notion.editPage(a, { title: 'A2', lastEditedTime: new Date().toISOString() });
    expect(summary(await after.poll())).toEqual(['upsert A2']);
  });
});

describe('Notion source: no cursor', () => {
  it('keeps per-document state left without a cursor (a cursor write that failed): unchanged pages are not sent again, and a held page that is gone is deleted', async () => {
    notion = await startFakeNotion();
    // Six pages, so one missing stays under the mass-deletion guard's 20 %.
    for (const title of ['A', 'B', 'C', 'D', 'E']) notion.addPage({ title, lastEditedTime: minutesAgo(60) });
    const gone = notion.addPage({ title: 'F', lastEditedTime: minutesAgo(60) });
    const p = notionPoller(notionSourceFor(notion));
    expect(summary(await p.poll())).toEqual(['upsert A', 'upsert B', 'upsert C', 'upsert D', 'upsert E', 'upsert F']);
    // The state was saved, then the cursor write failed; F is removed before the retry.
    p.state.cursor = null;
    notion.removePage(gone);
    const again = await p.poll();
    expect(summary(again)).toEqual([`delete notion:${gone}`]);
  });
});
