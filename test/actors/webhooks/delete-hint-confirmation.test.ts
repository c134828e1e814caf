import { afterEach, describe, expect, it } from 'vitest';
import { type FakeConfluence, startFakeConfluence } from '../../support/fake-confluence.ts';
import { type FakeNotion, startFakeNotion } from '../../support/fake-notion.ts';
import { confluencePoller, confluenceSourceFor, hint as confluenceHint, summary as confluenceSummary } from '../sources/confluence/confluence-test-kit.ts';
import { hint as notionHint, notionPoller, notionSourceFor, summary as notionSummary } from '../sources/notion/notion-test-kit.ts';

// Issue 13: a signed page.deleted for a page that still existed was applied without asking Notion, and the page
// vanished from both stores. A delete hint, from any source, is now a reason to ask, never a verdict.
let notion: FakeNotion | undefined;
let confluence: FakeConfluence | undefined;
afterEach(async () => {
  await notion?.close();
  await confluence?.close();
  notion = confluence = undefined;
});

const minutesAgo = (n: number) => new Date(Math.floor(Date.now() / 60_000) * 60_000 - n * 60_000).toISOString();

describe('delete hints are confirmed with the source before anything is deleted', () => {
  it('Notion: page.deleted for a live page deletes nothing; once Notion says it is gone, it is deleted', async () => {
    notion = await startFakeNotion();
    const page = notion.addPage({ title: 'Still here', lastEditedTime: minutesAgo(30) });
    const p = notionPoller(notionSourceFor(notion));
    await p.poll();
    notion.requests.length = 0;
    expect(notionSummary(await p.poll([notionHint('page.deleted', page)]))).toEqual([]);
    expect(notion.requests.some((r) => r.path === `/v1/pages/${page}`)).toBe(true);

    notion.removePage(page);
    expect(notionSummary(await p.poll([notionHint('page.deleted', page)]))).toEqual([`delete notion:${page}`]);
  });

  it('Notion: when the check fails the poll fails and emits no delete (the connector keeps the hint for its next poll)', async () => {
    notion = await startFakeNotion();
    const page = notion.addPage({ title: 'Maybe gone', lastEditedTime: minutesAgo(30) });
    const p = notionPoller(notionSourceFor(notion), 100);
    await p.poll();
    notion.failNext(1000, 401);
    await expect(p.poll([notionHint('page.deleted', page)])).rejects.toThrow();
  });

  it('Confluence: page_trashed and page_removed for a live page delete nothing; a trashed page is deleted', async () => {
    confluence = await startFakeConfluence();
    const [live, trashed] = ['Live', 'Trashed'].map((title) => confluence!.addPage({ space: 'ENG', title, modifiedAt: minutesAgo(30) }));
    const p = confluencePoller(confluenceSourceFor(confluence, { deletion_check_hours: 1000 }));
    await p.poll();
    expect(confluenceSummary(await p.poll([confluenceHint('page_trashed', live!, 1), confluenceHint('page_removed', live!, 1)]))).toEqual([]);
    confluence.trashPage(trashed!);
    expect(confluenceSummary(await p.poll([confluenceHint('page_trashed', trashed!, 1)]))).toEqual([`delete wiki:${trashed}`]);
  });

  it('Confluence: when the check fails the poll fails and emits no delete', async () => {
    confluence = await startFakeConfluence();
    const page = confluence.addPage({ space: 'ENG', title: 'Maybe gone', modifiedAt: minutesAgo(30) });
    const p = confluencePoller(confluenceSourceFor(confluence, { deletion_check_hours: 1000 }), 100);
    await p.poll();
    confluence.failNext(1000, 401);
    await expect(p.poll([confluenceHint('page_removed', page, 1)])).rejects.toThrow();
  });
});
