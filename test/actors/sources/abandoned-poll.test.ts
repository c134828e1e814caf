import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/actors/log/logger.ts';
import { githubOptionsOf } from '../../../src/actors/sources/github/github-options.ts';
import { GithubSource } from '../../../src/actors/sources/github/github-source.ts';
import { LocalFolderSource } from '../../../src/actors/sources/local/local-folder-source.ts';
import { connectorSchema } from '../../../src/config/schema.ts';
import { type FakeConfluence, startFakeConfluence } from '../../support/fake-confluence.ts';
import { type FakeGithub, startFakeGithub } from '../../support/fake-github.ts';
import { block, type FakeNotion, startFakeNotion } from '../../support/fake-notion.ts';
import type { HeldRequest } from '../../support/held-requests.ts';
import { abandonablePoll, isAbortError } from '../connector/abandoned-poll-kit.ts';
import { confluenceSourceFor } from './confluence/confluence-test-kit.ts';
import { notionSourceFor } from './notion/notion-test-kit.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/**
 * Aborts the poll while `held` is in flight, then lets the fake answer it, and waits for both the answer and the poll:
 * from then on, anything the poll still did would be in the request log, the queue or the cursor store.
 */
async function abortWhileHeld(poll: ReturnType<typeof abandonablePoll>, held: HeldRequest, requests: { path: string }[]) {
  const settled = poll.start();
  await held.arrived;
  const before = requests.length;
  poll.controller.abort();
  held.release();
  await held.answered;
  const result = await settled;
  return { result, after: requests.slice(before) };
}

describe('a poll abandoned while its API call is in flight', () => {
  it('GitHub: sends no further request, enqueues nothing, saves no cursor, and does not count against the breaker', async () => {
    const github: FakeGithub = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/a.md': '# A\n', 'docs/b.md': '# B\n', 'docs/c.md': '# C\n' } });
    close = () => github.close();
    const config = connectorSchema.parse({ metadata: { owner: 'octo', repo: 'handbook', docs_path: 'docs', api_url: github.url } });
    const poll = abandonablePoll('gh', new GithubSource('gh', githubOptionsOf('gh', config), silentLogger));
    const held = github.hold('/git/blobs/');
    const { result, after } = await abortWhileHeld(poll, held, github.requests);

    expect(isAbortError(result.error)).toBe(true);
    // Only the held blob request was answered after the abort; the two other blobs were never asked for.
    expect(after.map((r) => r.path)).toEqual([expect.stringContaining('/git/blobs/')]);
    expect(github.requests.filter((r) => r.path.includes('/git/blobs/'))).toHaveLength(1);
    expect(poll.queue.batches).toEqual([]);
    expect(poll.cursors.writes).toEqual([]);
    expect(poll.breaker.getSnapshot().value).toBe('closed');
    expect(poll.breaker.getSnapshot().context.failures).toBe(0);
  });

  it('Notion: sends no further request, enqueues nothing, saves no cursor, and does not count against the breaker', async () => {
    const notion: FakeNotion = await startFakeNotion();
    close = () => notion.close();
    for (const title of ['One', 'Two', 'Three']) notion.addPage({ title, blocks: [block.paragraph(title)] });
    const poll = abandonablePoll('notion', notionSourceFor(notion));
    const held = notion.hold('/children');
    const { result, after } = await abortWhileHeld(poll, held, notion.requests);

    expect(isAbortError(result.error)).toBe(true);
    expect(after.map((r) => r.path)).toEqual([expect.stringContaining('/children')]);
    expect(notion.requests.filter((r) => r.path.includes('/children'))).toHaveLength(1);
    expect(poll.queue.batches).toEqual([]);
    expect(poll.cursors.writes).toEqual([]);
    expect(poll.breaker.getSnapshot().value).toBe('closed');
    expect(poll.breaker.getSnapshot().context.failures).toBe(0);
  });

  it('Confluence: sends no further request, enqueues nothing, saves no cursor, and does not count against the breaker', async () => {
    const confluence: FakeConfluence = await startFakeConfluence({ flavor: 'cloud', maxPageSize: 2 });
    close = () => confluence.close();
    for (const title of ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon']) confluence.addPage({ space: 'ENG', title });
    const poll = abandonablePoll('wiki', confluenceSourceFor(confluence));
    // The first of three listing pages.
    const held = confluence.hold('/pages');
    const { result, after } = await abortWhileHeld(poll, held, confluence.requests);

    expect(isAbortError(result.error)).toBe(true);
    expect(after.map((r) => r.path)).toEqual([expect.stringMatching(/\/pages$/)]);
    expect(confluence.requests.filter((r) => r.path.endsWith('/pages'))).toHaveLength(1);
    expect(poll.queue.batches).toEqual([]);
    expect(poll.cursors.writes).toEqual([]);
    expect(poll.breaker.getSnapshot().value).toBe('closed');
    expect(poll.breaker.getSnapshot().context.failures).toBe(0);
  });

  it('local folder: stops its walk at the abort, enqueues nothing, saves no cursor, and does not count against the breaker', async () => {
    const root = mkdtempSync(join(tmpdir(), 'inlet-abort-'));
    close = async () => rmSync(root, { recursive: true, force: true });
    for (const name of ['a', 'b', 'c', 'd']) writeFileSync(join(root, `${name}.md`), `# ${name}\n`);
    const poll = abandonablePoll('docs', new LocalFolderSource({ name: 'docs', root, extensions: ['.md'] }));
    // Each step of the walk is one call through the breaker (the listing, then one per file): abort as the first file
    // is about to be read, as a STOP arriving mid-walk would.
    const calls = () => poll.breaker.getSnapshot().context.calls;
    const subscription = poll.breaker.subscribe(() => {
      if (calls() === 2) poll.controller.abort();
    });
    const result = await poll.start();
    subscription.unsubscribe();

    expect(isAbortError(result.error)).toBe(true);
    expect(calls()).toBe(2);
    expect(poll.queue.batches).toEqual([]);
    expect(poll.cursors.writes).toEqual([]);
    expect(poll.breaker.getSnapshot().value).toBe('closed');
    expect(poll.breaker.getSnapshot().context.failures).toBe(0);
  });
});
