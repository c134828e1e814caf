import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectPushChanges, type PushCommitFiles, pushTouchesDocs } from '../../src/http/collect-push-changes.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/github/${name}`, import.meta.url), 'utf8')) as { commits: PushCommitFiles[] };
const commit = (files: PushCommitFiles): PushCommitFiles => files;

describe('collectPushChanges', () => {
  it('reads the file lists of real push payloads', () => {
    expect(collectPushChanges(fixture('push.with-new-branch.payload.json').commits, '')).toEqual(new Map([['README.md', 'upsert']]));
    expect(collectPushChanges(fixture('push.probot-modified-file.payload.json').commits, '.')).toEqual(new Map([['README.md', 'upsert']]));
    expect(collectPushChanges(fixture('push.payload.json').commits, '')).toEqual(new Map());
  });

  it('deletes a path added then removed within one push (never a stale upsert)', () => {
    const changes = collectPushChanges([commit({ added: ['docs/a.md'] }), commit({ modified: ['docs/a.md'] }), commit({ removed: ['docs/a.md'] })], 'docs');
    expect(changes).toEqual(new Map([['docs/a.md', 'delete']]));
  });

  it('upserts a path removed then added again', () => {
    const changes = collectPushChanges([commit({ removed: ['docs/a.md'] }), commit({ added: ['docs/a.md'] })], 'docs');
    expect(changes).toEqual(new Map([['docs/a.md', 'upsert']]));
  });

  it('turns a rename into a delete of the old path and an upsert of the new one', () => {
    const changes = collectPushChanges([commit({ added: ['docs/new.md'], removed: ['docs/old.md'] })], 'docs');
    expect(changes).toEqual(new Map([['docs/new.md', 'upsert'], ['docs/old.md', 'delete']]));
  });

  it('keeps only paths under docs_path, whatever its spelling', () => {
    const commits = [commit({ added: ['docs/a.md', 'docsy/b.md', 'src/docs/c.md', 'docs', 'README.md'], modified: ['docs/deep/d.md'] })];
    const expected = new Map([['docs/a.md', 'upsert'], ['docs/deep/d.md', 'upsert']]);
    for (const spelling of ['docs', 'docs/', './docs', './docs/', '/docs']) expect(collectPushChanges(commits, spelling)).toEqual(expected);
    expect(collectPushChanges(commits, 'docs/deep')).toEqual(new Map([['docs/deep/d.md', 'upsert']]));
  });

  it("takes the whole repository for docs_path '' or '.'", () => {
    const commits = [commit({ added: ['a.md'], removed: ['x/b.md'] })];
    for (const spelling of ['', '.', './', '/']) {
      expect(collectPushChanges(commits, spelling)).toEqual(new Map([['a.md', 'upsert'], ['x/b.md', 'delete']]));
    }
  });

  it('tolerates commits without some of the lists', () => {
    expect(collectPushChanges([{}, { modified: ['docs/a.md'] }], 'docs')).toEqual(new Map([['docs/a.md', 'upsert']]));
  });
});

describe('pushTouchesDocs', () => {
  it('is true when any list of any commit has a path under docs_path', () => {
    expect(pushTouchesDocs([commit({ added: ['src/x.ts'] }), commit({ removed: ['docs/a.md'] })], 'docs')).toBe(true);
    expect(pushTouchesDocs([commit({ modified: ['docs/a.md'] })], './docs/')).toBe(true);
  });

  it('is false for pushes outside docs_path and for pushes without commits', () => {
    expect(pushTouchesDocs([commit({ added: ['src/x.ts', 'docsite/a.md'] })], 'docs')).toBe(false);
    expect(pushTouchesDocs(fixture('push.payload.json').commits, '')).toBe(false);
  });

  it('agrees with collectPushChanges on whether anything changed', () => {
    const cases: [PushCommitFiles[], string][] = [
      [[commit({ added: ['docs/a.md'] }), commit({ removed: ['docs/a.md'] })], 'docs'],
      [[commit({ added: ['a.md'] })], 'docs'],
      [fixture('push.with-new-branch.payload.json').commits, ''],
    ];
    for (const [commits, docsPath] of cases) expect(pushTouchesDocs(commits, docsPath)).toBe(collectPushChanges(commits, docsPath).size > 0);
  });
});
