import { describe, expect, it } from 'vitest';
import { chunkMarkdown } from '../../../src/actors/pipeline/chunk-markdown.ts';

describe('chunkMarkdown', () => {
  it('splits at headings and labels each chunk with its heading path', () => {
    const md = 'Preamble.\n\n# Install\n\nIntro.\n\n## Linux\n\napt install.\n\n## macOS\n\nbrew install.\n\n# Usage\n\nRun it.';
    expect(chunkMarkdown(md, { maxChars: 1000 })).toEqual([
      { index: 0, heading: '', text: 'Preamble.' },
      { index: 1, heading: 'Install', text: 'Intro.' },
      { index: 2, heading: 'Install > Linux', text: 'apt install.' },
      { index: 3, heading: 'Install > macOS', text: 'brew install.' },
      { index: 4, heading: 'Usage', text: 'Run it.' },
    ]);
  });

  it('drops empty sections and keeps indexes contiguous', () => {
    const chunks = chunkMarkdown('# A\n\n# B\n\n\n## C\n\ntext', { maxChars: 100 });
    expect(chunks).toEqual([{ index: 0, heading: 'B > C', text: 'text' }]);
  });

  it('does not split at # lines inside code fences', () => {
    const chunks = chunkMarkdown('# Shell\n\n```sh\n# comment\necho hi\n```\n', { maxChars: 100 });
    expect(chunks).toEqual([{ index: 0, heading: 'Shell', text: '```sh\n# comment\necho hi\n```' }]);
  });

  it('keeps every chunk within maxChars, splitting at paragraphs first', () => {
    const paragraph = (n: number) => `Paragraph ${n} ${'word '.repeat(15).trim()}.`;
    const md = `# Long\n\n${Array.from({ length: 20 }, (_, i) => paragraph(i)).join('\n\n')}`;
    const chunks = chunkMarkdown(md, { maxChars: 200 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(200);
      expect(chunk.heading).toBe('Long');
      expect(chunk.text.startsWith('Paragraph')).toBe(true);
    }
  });

  it('hard-splits a single block longer than maxChars without losing text', () => {
    const block = `${'x'.repeat(250)} tail`;
    const chunks = chunkMarkdown(block, { maxChars: 100 });
    expect(chunks.every((c) => c.text.length <= 100)).toBe(true);
    expect(chunks.map((c) => c.text).join('')).toBe(block);
    expect(chunks.map((c) => c.text.length)).toEqual([100, 100, 55]);
  });

  it('holds the cap for arbitrary input and is deterministic', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const parts = ['# H', '## Sub', '```', 'code line', '', 'word', 'a much longer line of prose text here', '😀😀'];
    const md = Array.from({ length: 2000 }, () => parts[Math.floor(random() * parts.length)]).join('\n');
    for (const maxChars of [1, 7, 50, 300]) {
      const first = chunkMarkdown(md, { maxChars });
      expect(first.every((c) => c.text.length <= maxChars && c.text.length > 0)).toBe(true);
      expect(first.map((c) => c.index)).toEqual(first.map((_, i) => i));
      expect(chunkMarkdown(md, { maxChars })).toEqual(first);
    }
  });

  it('rejects a maxChars that is not a positive integer', () => {
    expect(() => chunkMarkdown('x', { maxChars: 0 })).toThrow(RangeError);
  });
});
