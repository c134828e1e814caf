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

  it('reads setext headings, which the regex reader missed, and not a rule or front matter as one', () => {
    const parsed = parseMarkdown('---\ntags: [a]\n---\nInstall *inlet*\n===\n\ntext\n\n---\n\nOn Linux\n--------\n', 'a.md');
    expect(parsed.headings).toEqual([
      { depth: 1, text: 'Install inlet' },
      { depth: 2, text: 'On Linux' },
    ]);
    expect(parsed.title).toBe('Install inlet');
  });

  it('collects links of every form: inline, full and collapsed references, autolinks and HTML anchors', () => {
    const md = [
      'An [inline](a.md), a [full reference][guide], a [collapsed][] one and <https://example.com/auto>.',
      '<p align="center"><a href="../html-block.md"><img src="logo.png"></a></p>',
      '',
      'Inline <a href="inline-html.md">HTML</a> too.',
      '',
      '[guide]: ./guide.md',
      '[collapsed]: <./with space.md>',
    ].join('\n');
    expect(parseMarkdown(md, 'docs/a.md').links).toEqual([
      'a.md',
      'https://example.com/auto',
      '../html-block.md',
      'inline-html.md',
      './guide.md',
      './with space.md',
    ]);
  });

  it('reads JSX links and headings of .mdx documents, and skips imports', () => {
    const md = "import Tabs from '@theme/Tabs';\n\n# Welcome\n\n<Card href=\"./next.mdx\" title=\"Next\" />\n\nSee <a href=\"./other.md\">other</a>.\n";
    const parsed = parseMarkdown(md, 'docs/intro.mdx');
    expect(parsed.title).toBe('Welcome');
    expect(parsed.links).toEqual(['./next.mdx', './other.md']);
  });

  it('falls back to plain Markdown when an .mdx document is not valid MDX, instead of losing it', () => {
    const md = '# Limits\n\nUse a < b and {braces} freely.<br>\n\n<!-- a comment MDX refuses -->\n\n[next](./next.md)\n';
    const parsed = parseMarkdown(md, 'docs/limits.mdx');
    expect(parsed.title).toBe('Limits');
    expect(parsed.links).toEqual(['./next.md']);
  });

  it('does not read .md documents as MDX: braces and angle brackets stay text', () => {
    const parsed = parseMarkdown('# T\n\n<Card href="./x.md" />\n\n{not an expression}\n', 'docs/a.md');
    expect(parsed.blocks.map((b) => [b.kind, parsed.source.slice(b.start, b.end).trim()])).toEqual([
      ['heading', '# T'],
      ['prose', '<Card href="./x.md" />'],
      ['prose', '{not an expression}'],
    ]);
    expect(parsed.links).toEqual([]);
  });

  it('links bare www, https and e-mail literals as GFM does', () => {
    const parsed = parseMarkdown('Write to docs@example.com, see www.example.com/guide or https://example.com/a.md.\n', 'a.md');
    expect(parsed.links).toEqual(['mailto:docs@example.com', 'http://www.example.com/guide', 'https://example.com/a.md']);
  });
});
