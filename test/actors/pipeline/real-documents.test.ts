import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunkMarkdownBlocks, type MarkdownChunk } from '../../../src/actors/pipeline/chunk-markdown.ts';
import { countTokens } from '../../../src/actors/pipeline/count-tokens.ts';
import { parseMarkdown } from '../../../src/actors/pipeline/parse-markdown.ts';
import { resolveLink } from '../../../src/actors/pipeline/resolve-link.ts';

/** pino 10.4.0's README and docs (MIT), as the package ships them; see test/fixtures/README.md. */
const ROOT = new URL('../../fixtures/markdown-real/pino/', import.meta.url);
const PATHS = ['README.md', ...readdirSync(new URL('docs/', ROOT)).map((f) => `docs/${f}`)].filter((p) => p.endsWith('.md'));
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');
/** OpenAI's input limit for text-embedding-3-*, the cap the issue asks to hold. */
const OPENAI_LIMIT = 8191;

const chunksOf = (path: string, maxTokens: number): MarkdownChunk[] => {
  const parsed = parseMarkdown(read(path), path);
  return chunkMarkdownBlocks(parsed.blocks, parsed.source, { maxTokens, title: parsed.title });
};
const fenceLines = (text: string) => text.split('\n').filter((l) => /^ {0,3}(```|~~~)/.test(l)).length;

describe("pino's documentation", () => {
  it('is a dozen or more real documents', () => {
    expect(PATHS.length).toBeGreaterThanOrEqual(12);
  });

  it('has 0 chunks over 8,191 tokens, and every fence closed within its chunk', () => {
    let max = 0;
    let count = 0;
    for (const path of PATHS) {
      for (const chunk of chunksOf(path, OPENAI_LIMIT)) {
        const tokens = countTokens(chunk.retrievalText);
        max = Math.max(max, tokens);
        count += 1;
        expect(tokens, `${path} chunk ${chunk.index}`).toBeLessThanOrEqual(OPENAI_LIMIT);
        expect(fenceLines(chunk.text) % 2, `${path} chunk ${chunk.index}`).toBe(0);
      }
    }
    console.info(`pino docs: ${PATHS.length} documents, ${count} chunks, largest ${max} tokens (cap ${OPENAI_LIMIT})`);
    expect(count).toBeGreaterThan(PATHS.length);
  });

  it('holds a small model cap too, with fences re-opened in every piece of a cut code block', () => {
    for (const path of PATHS) {
      for (const chunk of chunksOf(path, 128)) {
        expect(countTokens(chunk.retrievalText), `${path} chunk ${chunk.index}`).toBeLessThanOrEqual(128);
        expect(fenceLines(chunk.text) % 2, `${path} chunk ${chunk.index}`).toBe(0);
      }
    }
  });

  it('reads titles and headings', () => {
    const api = parseMarkdown(read('docs/api.md'), 'docs/api.md');
    expect(api.title).toBe('API');
    expect(api.headings.slice(0, 3)).toEqual([
      { depth: 1, text: 'API' },
      { depth: 2, text: 'pino([options], [destination]) => logger' },
      { depth: 3, text: 'options (Object)' },
    ]);
    expect(parseMarkdown(read('README.md'), 'README.md').title).toBe('pino');
  });

  it("resolves README's table of contents to the docs it ships", () => {
    const readme = parseMarkdown(read('README.md'), 'README.md');
    const targets = new Set(readme.links.map((l) => resolveLink('pino', 'README.md', l)).filter((t) => t !== null));
    for (const doc of ['docs/api.md', 'docs/browser.md', 'docs/transports.md', 'docs/redaction.md', 'docs/lts.md']) expect(targets).toContain(`pino:${doc}`);
    for (const target of targets) expect(PATHS.map((p) => `pino:${p}`)).toContain(target);
  });

  it('keeps each table whole inside one chunk', () => {
    const levels = ['| **Level:** | trace | debug | info | warn | error | fatal | silent   |', '| **Value:** | 10    | 20    | 30   | 40   | 50    | 60    | Infinity |'].join('\n');
    expect(chunksOf('docs/api.md', OPENAI_LIMIT).filter((c) => c.text.includes(levels))).toHaveLength(1);
    const lts = chunksOf('docs/lts.md', OPENAI_LIMIT);
    const release = lts.filter((c) => c.text.includes('| Version | Release Date |'));
    expect(release).toHaveLength(1);
    expect(release[0].text).toContain('| 6.x     | 2020-03-07   | 2022-04-14      | 10, 12, 14, 16       |');
    expect(lts.filter((c) => c.text.includes('| OS      | YAML Workflow Label    | Node.js      |') && c.text.includes('| MacOS   | `macos-latest`'))).toHaveLength(1);
  });

  it('carries the breadcrumb of nested headings into the embedded text', () => {
    const path = 'API > pino([options], [destination]) => logger > options (Object) > name (String)';
    const chunk = chunksOf('docs/api.md', OPENAI_LIMIT).find((c) => c.heading === path);
    expect(chunk?.retrievalText).toBe(`${path}\n\n${chunk?.text}`);
    expect(chunk?.text.startsWith('Default: `undefined`')).toBe(true);
  });
});
