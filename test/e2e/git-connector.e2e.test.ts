import { afterEach, describe, expect, it } from 'vitest';
import { createGitRemote, type GitRemote } from '../actors/sources/git/git-remote.ts';
import { eventually, jsonOf, startTempService, type TempService } from '../support/temp-service.ts';

let remote: GitRemote | undefined;
let service: TempService | undefined;
afterEach(async () => {
  await service?.stop();
  remote?.close();
  service = undefined;
});

// An hourly poll: every poll of these tests is asked for through the API, right after a push.
const gitConnector = (git: GitRemote) => `  handbook:
    kind: git
    poll_interval_seconds: 3600
    backoff_base_seconds: 0.05
    metadata: { url: ${JSON.stringify(git.url)}, docs_path: docs, clone_dir: ${JSON.stringify(git.cloneDir)} }`;

describe('Git connector in the running service', () => {
  it('brings a created, edited, renamed and deleted Markdown file of a real remote into the stores', async () => {
    remote = createGitRemote({ 'docs/guide.md': '# Deploy guide\n\nRun the deploy script.\n\nSee [faq](faq.md).\n', 'docs/faq.md': '# FAQ\n\nQuestions.\n', 'src/main.ts': '' });
    service = await startTempService({ connectors: gitConnector(remote) });
    const { graph } = service.backends;
    const pollNow = async () => expect((await fetch(`${service!.url}/connectors/handbook/poll`, { method: 'POST' })).status).toBe(202);

    const guide = (await eventually('guide.md in the graph store', () => graph.getDocument('handbook:docs/guide.md')))!;
    expect(guide.title).toBe('Deploy guide');
    expect(guide.linksTo).toEqual(['handbook:docs/faq.md']);
    expect(await graph.getDocument('handbook:src/main.ts')).toBeNull();

    remote.write({ 'docs/guide.md': '# Release guide\n\nRun the release script.\n' });
    remote.push('edit');
    await pollNow();
    await eventually('the edit stored', async () => (await graph.getDocument('handbook:docs/guide.md'))?.title === 'Release guide');

    remote.write({ 'docs/new.md': '# New page\n\nFresh content.\n' });
    remote.rename('docs/faq.md', 'docs/help/faq.md');
    remote.push('create and rename');
    await pollNow();
    await eventually('new.md stored', () => graph.getDocument('handbook:docs/new.md'));
    await eventually('faq.md under its new path', () => graph.getDocument('handbook:docs/help/faq.md'));
    await eventually('faq.md gone from its old path', async () => (await graph.getDocument('handbook:docs/faq.md')) === null);

    remote.remove('docs/new.md');
    remote.push('delete');
    await pollNow();
    await eventually('new.md deleted', async () => (await graph.getDocument('handbook:docs/new.md')) === null);
    expect(await graph.countDocuments()).toBe(2); // guide, and faq at its new path
  });

  it('shows the remote, the branch and the commit it read in health', async () => {
    remote = createGitRemote({ 'docs/a.md': '# A\n' });
    service = await startTempService({ connectors: gitConnector(remote) });
    await eventually('a.md stored', () => service!.backends.graph.getDocument('handbook:docs/a.md'));
    const health = await jsonOf<{ connectors: Array<{ name: string; source: Record<string, unknown> }> }>(fetch(`${service.url}/webhooks/health`));
    const handbook = health.connectors.find((c) => c.name === 'handbook')!;
    expect(handbook.source).toMatchObject({ remote: remote.url, branch: '(remote default)', docs_path: 'docs', head: expect.stringMatching(/^[0-9a-f]{40}$/) });
  });
});
