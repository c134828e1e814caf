import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../../src/actors/pipeline/parse-markdown.ts';

describe('parseMarkdown', () => {
  it('takes the title from front matter before any heading', () => {
    const parsed = parseMarkdown('---\ntitle: "From YAML"\ntags: [a]\n---\n# Heading\n\nBody', 'docs/a.md');
    expect(parsed.title).toBe('From YAML');
    expect(parsed.body).toBe('# Heading\n\nBody');
  });

  it('falls back to the first level-1 heading when front matter has no title', () => {
    const parsed = parseMarkdown('---\ntags: [a]\n---\n## Intro\n\n# Real Title\n', 'docs/a.md');
    expect(parsed.title).toBe('Real Title');
  });

  it('falls back to the file name without extension when there is no title or level-1 heading', () => {
    expect(parseMarkdown('## Only a subheading\n', 'docs/getting-started.mdx').title).toBe('getting-started');
    expect(parseMarkdown('', 'README').title).toBe('README');
  });

  it('ignores broken front matter instead of failing', () => {
    const parsed = parseMarkdown('---\ntitle: [unclosed\n---\n# Heading\n', 'a.md');
    expect(parsed.title).toBe('Heading');
  });

  it('does not treat a # line inside a code fence as the title', () => {
    const parsed = parseMarkdown('```sh\n# not a heading\n```\n\n# Title\n', 'a.md');
    expect(parsed.title).toBe('Title');
    expect(parsed.headings).toEqual([{ depth: 1, text: 'Title' }]);
  });

  it('collects inline links and reference definitions but not images', () => {
    const md = [
      'See [install](./install.md#linux "Install") and [site](https://example.com).',
      '![diagram](img/arch.png) [![badge](badge.svg)](../ci.md)',
      '[angle](<with space.md>)',
      '',
      '[ref]: ../guide/intro.md',
      '[^1]: a footnote, not a link',
    ].join('\n');
    expect(parseMarkdown(md, 'docs/a.md').links).toEqual([
      './install.md#linux',
      'https://example.com',
      '../ci.md',
      'with space.md',
      '../guide/intro.md',
    ]);
  });

  it('ignores links inside fenced code blocks and inline code', () => {
    const md = [
      '[kept](kept.md)',
      '```md',
      '[fenced](fenced.md)',
      '[ref]: fenced-ref.md',
      '```',
      '~~~~',
      '```',
      '[still fenced](tilde.md)',
      '~~~~',
      'Use `[code](span.md)` literally.',
    ].join('\n');
    expect(parseMarkdown(md, 'a.md').links).toEqual(['kept.md']);
  });
});
