import { afterEach, describe, expect, it } from 'vitest';
import { type FakeConfluence, startFakeConfluence } from '../../../support/fake-confluence.ts';
import { confluencePoller, confluenceSourceFor, hint, minutesAgo, summary } from './confluence-test-kit.ts';

let fake: FakeConfluence | undefined;
afterEach(async () => fake?.close());

const fivePages = (site: FakeConfluence) => {
  const root = site.addPage({ space: 'ENG', title: 'Handbook', modifiedAt: minutesAgo(60) });
  const child = site.addPage({ space: 'ENG', title: 'Deploying', parentId: root, storage: '<h2>Steps</h2><ol><li>Build</li><li>Ship</li></ol>', modifiedAt: minutesAgo(50) });
  for (const title of ['Alpha', 'Beta', 'Gamma']) site.addPage({ space: 'ENG', title, modifiedAt: minutesAgo(40) });
  site.addPage({ space: 'OPS', title: 'Other space', modifiedAt: minutesAgo(40) });
  return { root, child };
};

describe('Confluence source: backfill', () => {
  it('lists every page of the spaces on Cloud through REST v2, following the cursor over several pages', async () => {
    fake = await startFakeConfluence({ flavor: 'cloud', maxPageSize: 2 });
    const { root, child } = fivePages(fake);
    const result = await confluencePoller(confluenceSourceFor(fake)).poll();
    expect(summary(result)).toEqual(['upsert Alpha', 'upsert Beta', 'upsert Deploying', 'upsert Gamma', 'upsert Handbook']);
    const pageCalls = fake.requests.filter((r) => r.path.endsWith('/pages'));
    expect(pageCalls).toHaveLength(3);
    expect(pageCalls[1]!.query.cursor).toBeTruthy();
    expect(fake.requests[0]).toMatchObject({ path: '/wiki/api/v2/spaces', query: { keys: 'ENG' } });
    const deploying = result.events.find((e) => e.title === 'Deploying')!;
    expect(deploying).toMatchObject({
      docId: `wiki:${child}`,
      parentId: `wiki:${root}`,
      path: `ENG/deploying-${child}`,
      url: `${fake.baseUrl}/spaces/ENG/pages/${child}/Deploying`,
      metadata: { space: 'ENG', version: 1, content_type: 'page' },
      content: '# Deploying\n\n## Steps\n\n1. Build\n2. Ship\n',
    });
  });

  it('lists every page on Data Center through REST v1 content with start/limit paging', async () => {
    fake = await startFakeConfluence({ flavor: 'datacenter', maxPageSize: 2 });
    const { root, child } = fivePages(fake);
    const result = await confluencePoller(confluenceSourceFor(fake, {}, { flavor: 'datacenter', token: 'pat' })).poll();
    expect(summary(result)).toHaveLength(5);
    expect(result.events.find((e) => e.docId === `wiki:${child}`)).toMatchObject({
      parentId: `wiki:${root}`,
      title: 'Deploying',
      metadata: { space: 'ENG', version: 1, content_type: 'page' },
    });
    const listCalls = fake.requests.filter((r) => r.path === '/rest/api/content');
    expect(listCalls.map((r) => r.query.start)).toEqual(['0', '2', '4']);
    expect(listCalls[0]!.query.expand).toBe('body.storage,version,ancestors,space');
    expect(fake.requests[0]!.authorization).toBe('Bearer pat');
  });

  it('sends basic auth with the e-mail and API token on Cloud', async () => {
    fake = await startFakeConfluence();
    fake.requireAuthorization(`Basic ${Buffer.from('me@example.com:api-token').toString('base64')}`);
    fake.addPage({ space: 'ENG', title: 'A' });
    expect(summary(await confluencePoller(confluenceSourceFor(fake, { email: 'me@example.com' })).poll())).toEqual(['upsert A']);
  });

  it('includes blog posts only when include_blogposts is set', async () => {
    fake = await startFakeConfluence();
    fake.addPage({ space: 'ENG', title: 'Page' });
    fake.addPage({ space: 'ENG', title: 'News', type: 'blogpost' });
    expect(summary(await confluencePoller(confluenceSourceFor(fake)).poll())).toEqual(['upsert Page']);
    expect(summary(await confluencePoller(confluenceSourceFor(fake, { include_blogposts: true })).poll())).toEqual(['upsert News', 'upsert Page']);
  });
});

describe('Confluence source: delta', () => {
  it('finds edits with a CQL lastmodified search, paged, and skips versions already ingested', async () => {
    fake = await startFakeConfluence({ maxPageSize: 2 });
    fivePages(fake);
    const p = confluencePoller(confluenceSourceFor(fake));
    await p.poll();
    const alpha = [...fake.pages.values()].find((x) => x.title === 'Alpha')!.id;
    const beta = [...fake.pages.values()].find((x) => x.title === 'Beta')!.id;
    fake.editPage(alpha, { storage: '<p>Alpha v2</p>', modifiedAt: minutesAgo(1) });
    fake.editPage(beta, { title: 'Beta renamed', modifiedAt: minutesAgo(1) });
    fake.requests.length = 0;
    const delta = await p.poll();
    expect(summary(delta)).toEqual(['upsert Alpha', 'upsert Beta renamed']);
    const searches = fake.requests.filter((r) => r.path === '/wiki/rest/api/content/search');
    expect(searches.length).toBeGreaterThanOrEqual(3); // the 15 h window re-reads all five pages, two per answer
    expect(searches[0]!.query.cql).toMatch(/^space in \("ENG"\) and type in \(page\) and lastmodified >= "\d{4}-\d\d-\d\d \d\d:\d\d" order by lastmodified asc$/);
    expect((await p.poll()).events).toEqual([]);
  });

  it('ANDs the configured CQL filter into the delta query', async () => {
    fake = await startFakeConfluence();
    fake.addPage({ space: 'ENG', title: 'A' });
    fake.addSpace('OPS');
    const p = confluencePoller(confluenceSourceFor(fake, { cql: 'label = "public"', spaces: ['ENG', 'OPS'], include_blogposts: true }));
    await p.poll();
    await p.poll();
    const search = fake.requests.find((r) => r.path.endsWith('/content/search'))!;
    expect(search.query.cql).toContain('space in ("ENG","OPS") and type in (page,blogpost) and (label = "public") and lastmodified >= ');
  });
});

describe('Confluence source: deletes and webhooks', () => {
  it('deletes a trashed page on its webhook, and a purged page found missing by the deletion check', async () => {
    fake = await startFakeConfluence();
    const ids = ['A', 'B', 'C', 'D', 'E', 'F'].map((title) => fake!.addPage({ space: 'ENG', title, modifiedAt: minutesAgo(30) }));
    const p = confluencePoller(confluenceSourceFor(fake, { deletion_check_hours: 0 }));
    await p.poll();
    fake.trashPage(ids[0]!);
    fake.removePage(ids[1]!);
    const delta = await p.poll([hint('page_trashed', ids[0]!, 1)]);
    expect(summary(delta)).toEqual([`delete wiki:${ids[0]}`, `delete wiki:${ids[1]}`]);
  });

  it('fetches the page of a page_updated webhook and skips a redelivery of a version already ingested', async () => {
    fake = await startFakeConfluence({ flavor: 'datacenter' });
    const id = fake.addPage({ space: 'ENG', title: 'Runbook', modifiedAt: minutesAgo(30) });
    const p = confluencePoller(confluenceSourceFor(fake, {}, { flavor: 'datacenter' }));
    await p.poll();
    fake.editPage(id, { storage: '<p>second</p>', modifiedAt: minutesAgo(30) });
    const delta = await p.poll([hint('page_updated', id, 2)]);
    expect(delta.events.find((e) => e.kind === 'upsert')?.content).toContain('second');
    fake.requests.length = 0;
    await p.poll([hint('page_updated', id, 2)]);
    expect(fake.requests.filter((r) => r.path === `/rest/api/content/${id}`)).toEqual([]);
  });

  it('re-emits a moved page with its new parent even when the version is unchanged', async () => {
    fake = await startFakeConfluence();
    const [a, b] = [fake.addPage({ space: 'ENG', title: 'A' }), fake.addPage({ space: 'ENG', title: 'B' })];
    const p = confluencePoller(confluenceSourceFor(fake));
    await p.poll();
    fake.pages.get(b)!.parentId = a;
    const moved = await p.poll([hint('page_moved', b, 1)]);
    expect(moved.events.find((e) => e.docId === `wiki:${b}`)).toMatchObject({ parentId: `wiki:${a}` });
  });

  it('deletes nothing when too many pages seem gone at once, and says why in health', async () => {
    fake = await startFakeConfluence();
    const ids = Array.from({ length: 10 }, (_, i) => fake!.addPage({ space: 'ENG', title: `P${i}`, modifiedAt: minutesAgo(30) }));
    const source = confluenceSourceFor(fake, { deletion_check_hours: 0 });
    const p = confluencePoller(source);
    await p.poll();
    for (const id of ids.slice(0, 5)) fake.removePage(id);
    expect((await p.poll()).events).toEqual([]);
    expect(source.health()).toMatchObject({ deletion_guard: 'tripped: 5 of 10 pages missing' });
  });
});

describe('Confluence source: scope', () => {
  it('ignores a webhook for a page of a space that is not configured, and deletes a known page moved out of the spaces', async () => {
    fake = await startFakeConfluence();
    const inside = fake.addPage({ space: 'ENG', title: 'Inside', modifiedAt: minutesAgo(30) });
    const outside = fake.addPage({ space: 'OPS', title: 'Outside', modifiedAt: minutesAgo(30) });
    const source = confluenceSourceFor(fake);
    const p = confluencePoller(source);
    await p.poll();
    expect((await p.poll([hint('page_updated', outside, 1)])).events).toEqual([]);
    fake.editPage(inside, { modifiedAt: minutesAgo(30) });
    fake.pages.get(inside)!.spaceKey = 'OPS';
    expect(summary(await p.poll([hint('page_moved', inside, 2)]))).toEqual([`delete wiki:${inside}`]);
    expect(source.health()).toMatchObject({ out_of_scope: 2 });
  });
});

describe('Confluence source: restores and blog posts', () => {
  it('re-ingests a page restored from the trash, and fetches a blog post of a blog_updated webhook from v2 blogposts', async () => {
    fake = await startFakeConfluence();
    const page = fake.addPage({ space: 'ENG', title: 'Page', modifiedAt: minutesAgo(30) });
    const post = fake.addPage({ space: 'ENG', title: 'News', type: 'blogpost', modifiedAt: minutesAgo(30) });
    const p = confluencePoller(confluenceSourceFor(fake, { include_blogposts: true }));
    await p.poll();
    fake.trashPage(page);
    expect(summary(await p.poll([hint('page_trashed', page, 1)]))).toEqual([`delete wiki:${page}`]);
    fake.pages.get(page)!.status = 'current';
    expect(summary(await p.poll([hint('page_restored', page, 1)]))).toEqual(['upsert Page']);
    fake.editPage(post, { storage: '<p>edited news</p>', modifiedAt: minutesAgo(30 * 60) });
    const edited = await p.poll([hint('blog_updated', post, 2)]);
    expect(edited.events.find((e) => e.docId === `wiki:${post}`)?.content).toContain('edited news');
    expect(fake.requests.some((r) => r.path === `/wiki/api/v2/blogposts/${post}`)).toBe(true);
  });
});
