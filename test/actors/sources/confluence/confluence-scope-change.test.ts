import { afterEach, describe, expect, it } from 'vitest';
import { type FakeConfluence, startFakeConfluence } from '../../../support/fake-confluence.ts';
import { confluencePoller, confluenceSourceFor, summary } from './confluence-test-kit.ts';

let fake: FakeConfluence | undefined;
afterEach(async () => fake?.close());

describe('Confluence cursor bound to its scope', () => {
  it('on changed spaces ingests the new space and deletes the pages of the old one, at once', async () => {
    fake = await startFakeConfluence();
    for (const title of ['E1', 'E2']) fake.addPage({ space: 'ENG', title });
    for (const title of ['O1', 'O2', 'O3']) fake.addPage({ space: 'OPS', title });
    const first = confluencePoller(confluenceSourceFor(fake, { spaces: ['ENG', 'OPS'] }));
    await first.poll();
    const moved = confluencePoller(confluenceSourceFor(fake, { spaces: ['OPS', 'DOC'], max_deletion_share: 0.5 }));
    fake.addPage({ space: 'DOC', title: 'D1' });
    moved.state.cursor = first.state.cursor;
    moved.state.documents = first.state.documents;
    const result = await moved.poll();
    expect(summary(result).filter((s) => s.startsWith('upsert'))).toEqual(['upsert D1']);
    expect(result.events.filter((e) => e.kind === 'delete')).toHaveLength(2);
    expect(moved.state.cursor).toMatchObject({ scope: { spaces: ['OPS', 'DOC'], includeBlogposts: false } });
  });

  it('refuses to delete most of the old scope at once', async () => {
    fake = await startFakeConfluence();
    for (const title of ['E1', 'E2', 'E3']) fake.addPage({ space: 'ENG', title });
    fake.addPage({ space: 'OPS', title: 'O1' });
    const first = confluencePoller(confluenceSourceFor(fake, { spaces: ['ENG', 'OPS'] }));
    await first.poll();
    const source = confluenceSourceFor(fake, { spaces: ['OPS'] });
    const moved = confluencePoller(source);
    moved.state.cursor = first.state.cursor;
    moved.state.documents = first.state.documents;
    expect((await moved.poll()).events).toEqual([]);
    expect(source.health()).toMatchObject({ deletion_guard: 'tripped: 3 of 4 pages missing' });
  });

  it('deletes the held blog posts once include_blogposts is turned off', async () => {
    fake = await startFakeConfluence();
    for (const title of ['P1', 'P2', 'P3', 'P4']) fake.addPage({ space: 'ENG', title });
    fake.addPage({ space: 'ENG', title: 'News', type: 'blogpost' });
    const first = confluencePoller(confluenceSourceFor(fake, { include_blogposts: true }));
    expect(summary(await first.poll())).toContain('upsert News');
    const off = confluencePoller(confluenceSourceFor(fake));
    off.state.cursor = first.state.cursor;
    off.state.documents = first.state.documents;
    const result = await off.poll();
    expect(result.events.map((e) => e.kind)).toEqual(['delete']);
  });

  it('reads a cursor without a scope as unknown: lists the spaces at once and deletes held pages that are gone', async () => {
    fake = await startFakeConfluence();
    for (const title of ['P1', 'P2', 'P3', 'P4', 'P5']) fake.addPage({ space: 'ENG', title });
    const p = confluencePoller(confluenceSourceFor(fake));
    await p.poll();
    const { scope: _scope, ...old } = p.state.cursor as { scope: unknown };
    p.state.cursor = old;
    await p.state.documents.apply('confluence', { set: { 999999: 'page 1/' }, delete: [] });
    expect(summary(await p.poll())).toEqual(['delete wiki:999999']);
    expect(p.state.cursor).toMatchObject({ scope: { spaces: ['ENG'] } });
  });
});
