import { describe, expect, it } from 'vitest';
import { chunkMarkdownBlocks } from '../../../src/actors/pipeline/chunk-markdown.ts';
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

describe.each([
  { path: 'docs/a.md', reader: 'markdown-it' },
  { path: 'docs/a.mdx', reader: 'mdast with MDX' },
])('parseMarkdown of $path ($reader)', ({ path }) => {
  const mdx = path.endsWith('.mdx');

  it('reads setext and ATX headings alike', () => {
    const parsed = parseMarkdown("import X from './x.js';\n\nInstall *inlet*\n===============\n\nOn `Linux`\n--------\n\n### Debian\n", path);
    expect(parsed.headings).toEqual([
      { depth: 1, text: 'Install inlet' },
      { depth: 2, text: 'On Linux' },
      { depth: 3, text: 'Debian' },
    ]);
    // An ESM import is MDX syntax, not content: proof that the .mdx document was read as MDX, not by the fallback.
    expect(parsed.blocks[0].kind).toBe(mdx ? 'heading' : 'prose');
  });

  it.each([
    ['an inline link', 'See [the guide](./guide.md "Guide").', ['./guide.md']],
    ['an inline link with an angle-bracketed target', 'See [it](<./with space.md>).', ['./with space.md']],
    ['a full reference', 'See [the guide][g].\n\n[g]: ./guide.md', ['./guide.md']],
    ['a collapsed reference', 'See [guide][].\n\n[guide]: ./guide.md', ['./guide.md']],
    ['a shortcut reference', 'See [guide].\n\n[Guide]: <./guide.md> "Title"', ['./guide.md']],
    ['an unused definition', 'Text.\n\n[unused]: ../other.md', ['../other.md']],
    ['a bare https URL, without its sentence full stop', 'Go to https://example.com/a.md.', ['https://example.com/a.md']],
    ['a bare www address', 'Go to www.example.com/guide, then.', ['http://www.example.com/guide']],
    ['a bare e-mail address', 'Write to docs@example.com.', ['mailto:docs@example.com']],
    ['an inline <a href>', 'Read <a href="./inline.md">this</a> first.', ['./inline.md']],
    ['an <a href> block', '<a href="./block.md">\n  Block\n</a>', ['./block.md']],
    ['an image, which is no link', '![logo](./logo.png)', []],
    ['a link inside code, which is no link', 'Use `[x](code.md)`.\n\n```md\n[y](fenced.md)\n```', []],
  ])('collects %s', (_, markdown, links) => {
    expect(parseMarkdown(markdown, path).links).toEqual(links);
  });

  it.runIf(!mdx)('collects autolinks and <a href> attributes in any quoting', () => {
    const md = "<https://example.com/auto> <docs@example.com> <a href='single.md'>s</a> <a href=unquoted.md>u</a> <a name=x>no</a>";
    expect(parseMarkdown(md, path).links).toEqual(['https://example.com/auto', 'mailto:docs@example.com', 'single.md', 'unquoted.md']);
  });

  it('gives the same chunks as the other reader for a document valid in both', () => {
    const md = [
      '---', 'title: Guide', '---', 'Intro with a [link][ref].', '', 'Install', '=======', '', '| Option | Effect |', '| --- | --- |', '| a | b |', '',
      '```sh', 'npm install inlet', '```', '', '- one', '- two', '', '## Linux', '', '> quoted', '', '[ref]: ./ref.md', '',
    ].join('\n');
    const chunksOf = (p: string) => {
      const parsed = parseMarkdown(md, p);
      return chunkMarkdownBlocks(parsed.blocks, parsed.source, { maxTokens: 1000, title: parsed.title });
    };
    const chunks = chunksOf(path);
    expect(chunks).toEqual(chunksOf(mdx ? 'docs/a.md' : 'docs/a.mdx'));
    expect(chunks.map((c) => c.retrievalText)).toEqual([
      'Guide\n\nIntro with a [link][ref].',
      'Guide > Install\n\n| Option | Effect |\n| --- | --- |\n| a | b |\n\n```sh\nnpm install inlet\n```\n\n- one\n- two',
      'Guide > Install > Linux\n\n> quoted\n\n[ref]: ./ref.md',
    ]);
  });
});

describe('parseMarkdown of Markdown', () => {
  it('reads a document opening with a rule it never closes as content, not as front matter', () => {
    const parsed = parseMarkdown('---\n\n# Title\n\nText [x](x.md).\n', 'a.md');
    expect(parsed.title).toBe('Title');
    expect(parsed.body).toBe('---\n\n# Title\n\nText [x](x.md).\n');
    expect(parsed.links).toEqual(['x.md']);
  });

  it('keeps the fence of a code block opened on a list item line, so a cut piece is fenced again', () => {
    const code = Array.from({ length: 80 }, (_, i) => `   const value${i} = compute(${i});`).join('\n');
    const parsed = parseMarkdown(`# Steps\n\n1. \`\`\`js\n${code}\n   \`\`\`\n`, 'a.md');
    const chunks = chunkMarkdownBlocks(parsed.blocks, parsed.source, { maxTokens: 128 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.text.startsWith('```js\n')).toBe(true);
      expect(chunk.text.trimEnd().endsWith('```')).toBe(true);
    }
  });
});
