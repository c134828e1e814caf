import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/check-self-contained.mjs', import.meta.url));

// The offending paths are assembled at run time, so this file itself passes the check it tests.
const up = (levels: number) => '../'.repeat(levels);
const WORK = ['', 'work', ''].join('/');
const SHARED = ['..', 'shared', 'fixtures'].join('/');
const HOME = ['', 'home', 'someone', ''].join('/');

let roots: string[] = [];
afterEach(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  roots = [];
});

/** A throw-away repository holding `files` (path relative to the root → content). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'inlet-self-contained-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

function check(root: string) {
  const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  return { status: run.status, lines: run.stdout.split('\n').filter(Boolean), stderr: run.stderr };
}

/** Files that read only inside the repository, in the forms the project uses. */
const CLEAN = {
  'src/http/app.ts': "import { x } from '../model/x.ts';\nrouter.get('/webhooks/health', handler);\n",
  'src/model/x.ts': 'export const x = 1;\n',
  'test/http/app.test.ts': "const FIXTURES = new URL('../fixtures/github/', import.meta.url);\nconst dir = mkdtempSync(join(tmpdir(), 'inlet-'));\n",
  'test/support/run.ts': "const ROOT = resolve(import.meta.dirname, '../..');\nconst body = readFileSync('./test/fixtures/a.json');\n",
  'test/fixtures/github/push.json': '{"ref": "refs/heads/main", "compare": "https://github.com/o/r/work/x"}\n',
  'bench/payload.ts': "const FIXTURE = new URL('../test/fixtures/github/push.json', import.meta.url);\n",
};

describe('scripts/check-self-contained.mjs', () => {
  it('passes a tree that reads only inside the repository', () => {
    expect(check(tree(CLEAN))).toEqual({ status: 0, lines: [], stderr: '' });
  });

  it('fails with one file:line per offending line when a file names a path outside the repository', () => {
    const root = tree({
      ...CLEAN,
      'test/http/route.test.ts': `import { it } from 'vitest';\nconst FIXTURES = new URL('${up(3)}other/github/', import.meta.url);\n`,
      'test/e2e/a.e2e.test.ts': `const body = readFileSync(\`${WORK}elsewhere/\${name}\`);\n`,
      'test/support/bodies.ts': `// The recorded bodies in ${SHARED}/notion.\n`,
      'bench/payload.ts': `const FIXTURE = readFileSync('${up(1)}outside.json');\n`,
      'src/config/paths.ts': `export const CACHE = '${HOME}.cache/inlet';\n`,
    });
    const { status, lines, stderr } = check(root);
    expect(status).toBe(1);
    expect(lines.map((line) => line.split(': ')[0])).toEqual([
      'src/config/paths.ts:1',
      'test/e2e/a.e2e.test.ts:1',
      'test/http/route.test.ts:2',
      'test/support/bodies.ts:1',
      'bench/payload.ts:1',
    ]);
    expect(lines[2]).toContain(`'${up(3)}other/github/' resolves outside the repository from this file`);
    expect(lines[4]).toContain(`'${up(1)}outside.json' resolves outside the repository from the working directory`);
    expect(stderr).toContain('5 line(s) name a path outside');
  });

  it('skips node_modules, the Neo4j harness build and bench results, and honours the allow marker', () => {
    const offending = `const x = new URL('${up(6)}x', import.meta.url);\n`;
    const root = tree({
      ...CLEAN,
      'test/node_modules/pkg/index.js': offending,
      'test/support/neo4j-harness/target/classes/a.txt': offending,
      'bench/results/2026-08-04.md': `Run from ${WORK}main\n`,
      'test/actors/resolve-link.test.ts': `expect(resolveLink('${up(6)}etc/passwd')).toBeNull(); // check-self-contained: allow\n`,
    });
    expect(check(root).status).toBe(0);
  });

  it('fails on a symbolic link that leads outside the repository', () => {
    const outside = tree({ 'data.json': '{}\n' });
    const root = tree(CLEAN);
    symlinkSync(join(outside, 'data.json'), join(root, 'test/fixtures/data.json'));
    const { status, lines } = check(root);
    expect(status).toBe(1);
    expect(lines).toEqual([`test/fixtures/data.json:1: is a symbolic link to ${join(outside, 'data.json')}, outside the repository`]);
  });

  it('passes the repository itself', () => {
    expect(check(fileURLToPath(new URL('../../', import.meta.url)))).toMatchObject({ status: 0, lines: [] });
  });
});
