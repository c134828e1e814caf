#!/usr/bin/env node
// Fails when a file under src/, test/ or bench/ names a path outside the repository, so the suite, the fakes and
// the benchmarks run from a plain clone (issue 10, "Self-contained repository"). Plain Node, no dependencies.
//
//   node scripts/check-self-contained.mjs [root]     root: the repository to check; default: this script's parent
//
// Prints one line per offending line, `file:line: message`, and exits 1 when there is any. Flagged:
//   - any mention of `../shared`, `shared/fixtures` or `/work/` (the fixtures used to sit beside the checkout);
//   - a string literal holding an absolute path into a home directory (`/home/…`, `/Users/…`, `/root/…`, `~/…`);
//   - a string literal starting with `./` or `../` that resolves outside the root: against the file's folder (imports,
//     `new URL('…', import.meta.url)`, `join(__dirname, '…')`), or against the root, the working directory of
//     `npm test`, when it is the first argument of an fs call such as `readFileSync('…')`;
//   - a symbolic link whose target lies outside the root.
// A line that must hold such a string anyway (a path-traversal test case, say) carries `check-self-contained: allow`.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCANNED = ['src', 'test', 'bench'];
/** Generated or downloaded trees: not written by hand, and large. */
const SKIPPED = new Set(['test/support/neo4j-harness/target', 'bench/results']);
const ALLOW = 'check-self-contained: allow';

const MARKERS = [
  { pattern: /\.\.\/shared\b/, message: 'mentions ../shared' },
  { pattern: /\bshared\/fixtures\b/, message: 'mentions shared/fixtures' },
  // Not after a host name or a word, so https://example.com/work/… is no offence.
  { pattern: /(?<![\w.-])\/work\//, message: 'mentions /work/' },
];
const HOME_LITERAL = /['"`](?:file:\/\/)?(\/(?:home|Users|root)\/|~\/)/;
// A quoted relative path; a template literal is cut at its first `${`.
const RELATIVE_LITERAL = /(\b(?:readFileSync|readFile|readdirSync|readdir|createReadStream|existsSync|statSync|stat|openSync|open)\(\s*)?(['"`])(\.\.?\/[^'"`\n]*?)(?=\$\{|\2)/g;

/** Every file (and symlink) under `dir`, as paths relative to `root`, skipping node_modules and SKIPPED. */
function* walk(root, dir) {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = `${dir}/${entry.name}`;
    if (entry.name === 'node_modules' || SKIPPED.has(path)) continue;
    if (entry.isDirectory()) yield* walk(root, path);
    else yield path;
  }
}

const isInside = (root, path) => path === root || path.startsWith(root + sep);

/** The offending lines of one file: `{ line, message }`, line counted from 1, all of a line's problems in one message. */
function check(root, file) {
  const absolute = join(root, file);
  if (lstatSync(absolute).isSymbolicLink()) {
    const target = resolve(dirname(absolute), readlinkSync(absolute));
    return isInside(root, target) ? [] : [{ line: 1, message: `is a symbolic link to ${target}, outside the repository` }];
  }
  const bytes = readFileSync(absolute);
  if (bytes.subarray(0, 8000).includes(0)) return []; // binary
  const offences = [];
  bytes
    .toString('utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.includes(ALLOW)) return;
      const problems = [];
      for (const [, fsCall, , literal] of text.matchAll(RELATIVE_LITERAL)) {
        const target = resolve(fsCall ? root : dirname(absolute), literal);
        if (!isInside(root, target)) problems.push(`'${literal}' resolves outside the repository from ${fsCall ? 'the working directory' : 'this file'} (${target})`);
      }
      const home = HOME_LITERAL.exec(text);
      if (home) problems.push(`holds an absolute path into a home directory (${home[1]}…)`);
      for (const { pattern, message } of MARKERS) if (pattern.test(text)) problems.push(message);
      if (problems.length > 0) offences.push({ line: index + 1, message: problems.join('; ') });
    });
  return offences;
}

const argument = process.argv[2];
const root = resolve(argument ?? fileURLToPath(new URL('..', import.meta.url)));
const offences = [];
for (const top of SCANNED) {
  for (const file of walk(root, top)) for (const offence of check(root, file)) offences.push(`${file}:${offence.line}: ${offence.message}`);
}
for (const offence of offences) console.log(offence);
if (offences.length > 0) {
  console.error(`check-self-contained: ${offences.length} line(s) name a path outside ${root}; copy what they need into the repository (test/fixtures/README.md)`);
  process.exit(1);
}
