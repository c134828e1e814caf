import { describe, expect, it } from 'vitest';
import { chunkMarkdown } from '../../../src/actors/pipeline/chunk-markdown.ts';
import { countTokens } from '../../../src/actors/pipeline/count-tokens.ts';

const fenceLines = (text: string) => text.split('\n').filter((l) => /^\s*```/.test(l)).length;

describe('chunkMarkdown', () => {
  it('splits at ATX and setext headings and labels each chunk with its heading path', () => {
    const md = 'Preamble.\n\nInstall\n=======\n\nIntro.\n\n## Linux\n\napt install.\n\nmacOS\n-----\n\nbrew install.\n\n# Usage\n\nRun it.';
    expect(chunkMarkdown(md, { maxTokens: 1000 }).map(({ heading, text }) => ({ heading, text }))).toEqual([
      { heading: '', text: 'Preamble.' },
      { heading: 'Install', text: 'Intro.' },
      { heading: 'Install > Linux', text: 'apt install.' },
      { heading: 'Install > macOS', text: 'brew install.' },
      { heading: 'Usage', text: 'Run it.' },
    ]);
  });

  it('puts the breadcrumb, led by the title unless the headings start with it, before each chunk text', () => {
    const md = 'Intro.\n\n## Install\n\n### Linux\n\napt install.';
    const chunks = chunkMarkdown(md, { maxTokens: 1000, title: 'Guide' });
    expect(chunks.map((c) => c.retrievalText)).toEqual(['Guide\n\nIntro.', 'Guide > Install > Linux\n\napt install.']);
    const titled = chunkMarkdown('# Guide\n\n## Install\n\nSteps.', { maxTokens: 1000, title: 'Guide' });
    expect(titled.map((c) => c.retrievalText)).toEqual(['Guide > Install\n\nSteps.']);
    expect(chunkMarkdown('Plain.', { maxTokens: 1000 })[0].retrievalText).toBe('Plain.');
  });

  it('drops empty sections and keeps indexes contiguous', () => {
    const chunks = chunkMarkdown('# A\n\n# B\n\n\n## C\n\ntext', { maxTokens: 100 });
    expect(chunks.map(({ index, heading, text }) => ({ index, heading, text }))).toEqual([{ index: 0, heading: 'B > C', text: 'text' }]);
  });

  it('does not split at # lines inside code fences, quotes or HTML', () => {
    const chunks = chunkMarkdown('# Shell\n\n```sh\n# comment\necho hi\n```\n\n> # quoted\n', { maxTokens: 100 });
    expect(chunks.map((c) => c.text)).toEqual(['```sh\n# comment\necho hi\n```\n\n> # quoted']);
  });

  it('packs paragraphs up to the target and keeps every chunk within the cap', () => {
    const paragraph = (n: number) => `Paragraph ${n} ${'word '.repeat(40).trim()}.`;
    const md = `# Long\n\n${Array.from({ length: 30 }, (_, i) => paragraph(i)).join('\n\n')}`;
    const chunks = chunkMarkdown(md, { maxTokens: 1000, targetTokens: 120 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.heading).toBe('Long');
      expect(chunk.text.startsWith('Paragraph')).toBe(true);
      expect(countTokens(chunk.retrievalText)).toBeLessThanOrEqual(200);
    }
    expect(chunks.map((c) => c.text).join('\n\n')).toBe(md.slice('# Long\n\n'.length));
  });

  it('keeps a table whole above the target while it fits the cap', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `| option${i} | what option ${i} does to the logger |`);
    const table = ['| Option | Effect |', '| --- | --- |', ...rows].join('\n');
    const chunks = chunkMarkdown(`# Options\n\nBefore.\n\n${table}\n\nAfter.`, { maxTokens: 8191, targetTokens: 50 });
    expect(chunks.filter((c) => c.text.includes('| option')).map((c) => c.text)).toEqual([table]);
  });

  it('cuts a table larger than the cap between rows, each piece under its header row', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `| option${i} | what option ${i} does to the logger |`);
    const head = '| Option | Effect |\n| --- | --- |';
    const chunks = chunkMarkdown(`${head}\n${rows.join('\n')}`, { maxTokens: 200 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.text.startsWith(`${head}\n| option`)).toBe(true);
      expect(countTokens(chunk.retrievalText)).toBeLessThanOrEqual(200);
    }
    expect(chunks.flatMap((c) => c.text.split('\n').slice(2))).toEqual(rows);
  });

  it('keeps a code block whole above the target, and cuts one larger than the cap into fenced pieces', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `const value${i} = compute(${i}, 'argument');`);
    const code = `\`\`\`ts\n${lines.join('\n')}\n\`\`\``;
    expect(chunkMarkdown(code, { maxTokens: 8191, targetTokens: 64 }).map((c) => c.text)).toEqual([code]);
    const chunks = chunkMarkdown(code, { maxTokens: 300 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.text.startsWith('```ts\n')).toBe(true);
      expect(chunk.text.endsWith('\n```')).toBe(true);
      expect(countTokens(chunk.retrievalText)).toBeLessThanOrEqual(300);
    }
    expect(chunks.flatMap((c) => c.text.split('\n').slice(1, -1))).toEqual(lines);
  });

  it('holds the token cap and balanced fences for arbitrary input, and is deterministic', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const fenced = '```js\ncode line\n# not a heading\n\n| not | a table |\n```';
    const parts = ['# H', '## Sub', 'Setext', '---', fenced, 'code line', '', 'word', 'a much longer line of prose text here', '😀😀', '日本語の文章です', '| a | b |', '| --- | --- |', '> quote', '- item', `${'x7'.repeat(30)}`];
    const md = Array.from({ length: 1500 }, () => parts[Math.floor(random() * parts.length)]).join('\n');
    for (const maxTokens of [16, 64, 300, 8191]) {
      const first = chunkMarkdown(md, { maxTokens, title: 'Random' });
      expect(first.length).toBeGreaterThan(0);
      for (const chunk of first) {
        expect(chunk.text.length).toBeGreaterThan(0);
        expect(countTokens(chunk.retrievalText)).toBeLessThanOrEqual(maxTokens);
      }
      expect(first.map((c) => c.index)).toEqual(first.map((_, i) => i));
      expect(chunkMarkdown(md, { maxTokens, title: 'Random' })).toEqual(first);
    }
    for (const chunk of chunkMarkdown(md, { maxTokens: 300 })) expect(fenceLines(chunk.text) % 2).toBe(0);
  });

  it('rejects a cap too small to hold a breadcrumb and some text', () => {
    expect(() => chunkMarkdown('x', { maxTokens: 0 })).toThrow(RangeError);
    expect(() => chunkMarkdown('x', { maxTokens: 15 })).toThrow(RangeError);
  });
});
