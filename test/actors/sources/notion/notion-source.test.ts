import { afterEach, describe, expect, it } from 'vitest';
import { block, type FakeNotion, fakeNotionId, startFakeNotion } from '../../../support/fake-notion.ts';
import { hint, notionPoller, notionSourceFor, summary } from './notion-test-kit.ts';

let notion: FakeNotion | undefined;
afterEach(async () => notion?.close());

const minutesAgo = (n: number) => new Date(Math.floor(Date.now() / 60_000) * 60_000 - n * 60_000).toISOString();

describe('Notion source: polling', () => {
  it('backfills every shared page as Markdown with its parent', async () => {
    notion = await startFakeNotion();
    const root = notion.addPage({ title: 'Handbook', blocks: [block.paragraph('Welcome')] });
    const child = notion.addPage({ title: 'On-call', parent: root, blocks: [block.heading(2, 'Rota'), block.bulleted('Alice')] });
    const first = await notionPoller(notionSourceFor(notion)).poll();
    expect(summary(first)).toEqual(['upsert Handbook', 'upsert On-call']);
    const event = first.events.find((e) => e.docId === `notion:${child}`)!;
    expect(event).toMatchObject({ source: 'notion', parentId: `notion:${root}`, content: '# On-call\n\n## Rota\n\n- Alice\n' });
    expect(event.url).toContain(child.replace(/-/g, ''));
    expect(event.path).toBe(`on-call-${child.replace(/-/g, '')}`);
    expect(first.events.find((e) => e.docId === `notion:${root}`)!.parentId).toBeUndefined();
    expect(notion.requests.every((r) => r.headers['notion-version'] === '2025-09-03')).toBe(true);
  });

  it('limits the backfill to the pages under root_page_ids and the rows of data_source_ids', async () => {
    notion = await startFakeNotion();
    const root = notion.addPage({ title: 'Root' });
    const holder = notion.addPage({ title: 'Holder', parent: root, blocks: [block.paragraph('has a toggle')] });
    notion.addPage({ title: 'Deep', parent: holder });
    notion.addPage({ title: 'Elsewhere' });
    const tasks = fakeNotionId(900);
    notion.addDataSource({ id: tasks, title: 'Tasks' });
    notion.addPage({ title: 'Task 1', parent: { dataSource: tasks }, properties: { Status: { id: 's', type: 'status', status: { name: 'Done' } } } });
    const first = await notionPoller(notionSourceFor(notion, { root_page_ids: [root], data_source_ids: tasks })).poll();
    expect(summary(first)).toEqual(['upsert Deep', 'upsert Holder', 'upsert Root', 'upsert Task 1']);
    const row = first.events.find((e) => e.title === 'Task 1')!;
    expect(row).toMatchObject({ parentId: `notion:${tasks}`, content: '# Task 1\n\n- **Status:** Done\n' });
  });

  it('re-emits only pages whose content changed inside the overlap, deduplicated by content hash', async () => {
    notion = await startFakeNotion();
    const a = notion.addPage({ title: 'A', blocks: [block.paragraph('one')], lastEditedTime: minutesAgo(10) });
    const b = notion.addPage({ title: 'B', blocks: [block.paragraph('two')], lastEditedTime: minutesAgo(10) });
    const old = notion.addPage({ title: 'Old', lastEditedTime: minutesAgo(60) });
    const source = notionSourceFor(notion);
    const p = notionPoller(source);
    expect((await p.poll()).events).toHaveLength(3);
    expect((p.state.cursor as { since: string }).since).toBe(minutesAgo(13));
    notion.editPage(a, { blocks: [block.paragraph('one, edited')] });
    notion.editPage(b, {}); // touched, same content
    const before = notion.requests.length;
    const delta = await p.poll();
    expect(summary(delta)).toEqual(['upsert A']);
    expect(delta.events[0]!.content).toContain('one, edited');
    expect(source.health()).toMatchObject({ unchanged_skipped: 1 });
    // Search stops at the cursor: the page edited an hour ago is not fetched again.
    const fetched = notion.requests.slice(before).map((r) => r.path);
    expect(fetched.some((path) => path.includes(old))).toBe(false);
    expect((await p.poll()).events).toEqual([]); // both still inside the overlap, unchanged
    expect(new Set(delta.events.map((e) => e.id)).size).toBe(1);
  });

  it('gives two edits within the same minute different event ids', async () => {
    notion = await startFakeNotion();
    const at = minutesAgo(1);
    const a = notion.addPage({ title: 'A', blocks: [block.paragraph('v1')], lastEditedTime: at });
    const p = notionPoller(notionSourceFor(notion));
    const first = await p.poll();
    notion.editPage(a, { blocks: [block.paragraph('v2')], lastEditedTime: at });
    const second = await p.poll();
    expect(second.events).toHaveLength(1);
    expect(second.events[0]!.id).not.toBe(first.events[0]!.id);
  });

  it('fetches nested blocks through every page of children at every level', async () => {
    notion = await startFakeNotion();
    notion.setMaxPageSize(2);
    const items = ['a', 'b', 'c'].map((x) => block.bulleted(`item ${x}`, [block.paragraph(`${x}1`), block.paragraph(`${x}2`), block.paragraph(`${x}3`)]));
    notion.addPage({ title: 'Nested', blocks: [...items, block.toggle('more', [block.bulleted('deep', [block.paragraph('deepest')])])] });
    const first = await notionPoller(notionSourceFor(notion)).poll();
    expect(first.events[0]!.content).toBe(
      '# Nested\n\n- item a\n  a1\n\n  a2\n\n  a3\n- item b\n  b1\n\n  b2\n\n  b3\n- item c\n  c1\n\n  c2\n\n  c3\n- more\n  - deep\n    deepest\n',
    );
    const pages = notion.requests.filter((r) => r.path.endsWith('/children') && r.query.start_cursor);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(notion.requests.filter((r) => r.path.endsWith('/children')).every((r) => r.query.page_size === '2' || r.query.page_size === '100')).toBe(true);
  });

  it('counts unsupported blocks in health and keeps the rest of the page', async () => {
    notion = await startFakeNotion();
    notion.addPage({ title: 'Mixed', blocks: [block.paragraph('kept'), block.unsupported(), block.unsupported('template')] });
    const source = notionSourceFor(notion);
    const first = await notionPoller(source).poll();
    expect(first.events[0]!.content).toBe('# Mixed\n\nkept\n');
    expect(source.health()).toMatchObject({ unsupported_blocks: { unsupported: 1, template: 1 } });
  });
});

describe('Notion source: webhook hints', () => {
  it('fetches a page named by a webhook even before search has indexed it', async () => {
    notion = await startFakeNotion();
    notion.addPage({ title: 'Indexed', lastEditedTime: minutesAgo(30) });
    const p = notionPoller(notionSourceFor(notion));
    await p.poll();
    const fresh = notion.addPage({ title: 'Fresh', blocks: [block.paragraph('new')] });
    notion.hideFromSearch(fresh);
    expect(summary(await p.poll([hint('page.content_updated', fresh)]))).toEqual(['upsert Fresh']);
  });

  it('turns page.deleted into a delete and data_source events into a membership refresh', async () => {
    notion = await startFakeNotion();
    const ds = fakeNotionId(901);
    notion.addDataSource({ id: ds, title: 'Tasks' });
    const keep = notion.addPage({ title: 'Keep', parent: { dataSource: ds }, lastEditedTime: minutesAgo(30) });
    const leave = notion.addPage({ title: 'Leave', parent: { dataSource: ds }, lastEditedTime: minutesAgo(30) });
    const gone = notion.addPage({ title: 'Gone', lastEditedTime: minutesAgo(30) });
    const p = notionPoller(notionSourceFor(notion));
    await p.poll();
    notion.removePage(leave);
    // A page.deleted hint is confirmed with the API before the delete (issue 13), so the page is gone from Notion too.
    notion.editPage(gone, { archived: true });
    const delta = await p.poll([hint('page.deleted', gone), hint('data_source.content_updated', ds)]);
    expect(summary(delta)).toEqual([`delete notion:${gone}`, `delete notion:${leave}`].sort());
    expect(notion.requests.some((r) => r.path === `/v1/data_sources/${ds}/query`)).toBe(true);
    expect(keep).toBeDefined();
  });

  it('turns database events into a refresh of each of the database\'s data sources, and ignores a deleted database', async () => {
    notion = await startFakeNotion();
    const db = fakeNotionId(910);
    const ds = fakeNotionId(911);
    notion.addDataSource({ id: ds, title: 'Tasks', databaseId: db });
    notion.addPage({ title: 'Old row', parent: { dataSource: ds }, lastEditedTime: minutesAgo(30) });
    const p = notionPoller(notionSourceFor(notion));
    await p.poll();
    const row = notion.addPage({ title: 'New row', parent: { dataSource: ds }, blocks: [block.paragraph('added')] });
    notion.hideFromSearch(row);
    const delta = await p.poll([hint('database.content_updated', db), hint('database.deleted', fakeNotionId(912))]);
    expect(summary(delta)).toEqual(['upsert New row']);
    expect(notion.requests.some((r) => r.path === `/v1/databases/${db}` && r.status === 200)).toBe(true);
    expect(notion.requests.some((r) => r.path === `/v1/databases/${fakeNotionId(912)}` && r.status === 404)).toBe(true);
    expect(notion.requests.some((r) => r.path === `/v1/data_sources/${ds}/query`)).toBe(true);
    expect(p.breaker.getSnapshot().context.failures).toBe(0);
  });
});
