import { afterEach, describe, expect, it } from 'vitest';
import { type FakeNotion, fakeNotionId, startFakeNotion } from '../../../support/fake-notion.ts';
import { heldPages, notionPoller, notionSourceFor, summary } from './notion-test-kit.ts';

let notion: FakeNotion | undefined;
afterEach(async () => notion?.close());

/** Two subtrees: Alpha with three children, Beta with one. */
function twoTrees(fake: FakeNotion) {
  const alpha = fake.addPage({ title: 'Alpha' });
  for (const title of ['A1', 'A2', 'A3']) fake.addPage({ title, parent: alpha });
  const beta = fake.addPage({ title: 'Beta' });
  fake.addPage({ title: 'B1', parent: beta });
  return { alpha, beta };
}

describe('Notion cursor bound to its scope', () => {
  it('on changed root_page_ids ingests the new subtree and deletes the pages of the old one, at once', async () => {
    notion = await startFakeNotion();
    const { alpha, beta } = twoTrees(notion);
    const first = notionPoller(notionSourceFor(notion, { root_page_ids: [alpha, beta] }));
    await first.poll();
    const moved = notionPoller(notionSourceFor(notion, { root_page_ids: [beta], max_deletion_share: 0.8 }));
    moved.state.cursor = first.state.cursor;
    moved.state.documents = first.state.documents;
    const result = await moved.poll();
    expect(result.events.every((e) => e.kind === 'delete')).toBe(true);
    expect(result.events).toHaveLength(4);
    expect(moved.state.cursor).toMatchObject({ scope: { rootPageIds: [beta], dataSourceIds: [] } });
  });

  it('refuses to delete most of the old scope at once and keeps those pages held', async () => {
    notion = await startFakeNotion();
    const { alpha, beta } = twoTrees(notion);
    const first = notionPoller(notionSourceFor(notion, { root_page_ids: [alpha, beta] }));
    await first.poll();
    const source = notionSourceFor(notion, { root_page_ids: [beta] });
    const moved = notionPoller(source);
    moved.state.cursor = first.state.cursor;
    moved.state.documents = first.state.documents;
    expect((await moved.poll()).events).toEqual([]);
    expect(source.health()).toMatchObject({ deletion_guard: 'tripped: 4 of 6 pages missing' });
    expect(await heldPages(moved)).toHaveLength(6);
  });

  it('reads a cursor without a scope as unknown: lists the scope at once and deletes held pages that are gone', async () => {
    notion = await startFakeNotion();
    const { alpha } = twoTrees(notion);
    const p = notionPoller(notionSourceFor(notion, { root_page_ids: [alpha] }));
    await p.poll();
    const { scope: _scope, ...old } = p.state.cursor as { scope: unknown };
    const gone = fakeNotionId(777);
    p.state.cursor = old;
    await p.state.documents.apply('notion', { set: { [gone]: 'workspace x' }, delete: [] });
    expect(summary(await p.poll())).toEqual([`delete notion:${gone}`]);
    expect(p.state.cursor).toMatchObject({ scope: { rootPageIds: [alpha] } });
  });
});
