import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blocksToMarkdown } from '../../../../src/actors/sources/notion/notion-blocks-to-markdown.ts';
import type { BlockNode, NotionBlock } from '../../../../src/actors/sources/notion/notion-types.ts';
import { block, type FakeBlockInput, mention, richText } from '../../../support/fake-notion-blocks.ts';

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../../../fixtures/notion/${path}`, import.meta.url), 'utf8'));

/** The builder's blocks as fetched nodes (ids and parents do not matter to the converter). */
const nodes = (inputs: FakeBlockInput[]): BlockNode[] =>
  inputs.map((input, i) => ({
    block: { object: 'block', id: `b${i}`, type: input.type, has_children: !!input.children, [input.type]: input.data } as NotionBlock,
    children: nodes(input.children ?? []),
  }));
const md = (...inputs: FakeBlockInput[]) => blocksToMarkdown(nodes(inputs));

describe('Notion blocks to Markdown', () => {
  it('renders the documented example block (a heading_2)', () => {
    expect(blocksToMarkdown([{ block: fixture('docs-objects/block-object.example.json'), children: [] }])).toBe('## Lacinato kale');
  });

  it('renders the recorded paginated paragraphs in order', () => {
    const recorded = ['page1', 'page2', 'page3'].flatMap((p) => fixture(`api/blocks.children.list.${p}.200.json`).results as NotionBlock[]);
    expect(blocksToMarkdown(recorded.map((b) => ({ block: b, children: [] })))).toBe(recorded.map((_, i) => `paragraph ${i}`).join('\n\n'));
  });

  it('renders headings of every level, and a toggleable heading with its content', () => {
    expect(md(block.heading(1, 'One'), block.heading(2, 'Two'), block.heading(3, 'Three', [block.paragraph('inside')]))).toBe('# One\n\n## Two\n\n### Three\n\ninside');
  });

  it('keeps inline styles, links and mentions as text', () => {
    const runs = [richText('bold', { bold: true }), richText(' and '), richText('code', { code: true }), richText(' '), richText('site', { href: 'https://x.test' }), richText(' see '), mention('Other page', '11111111-2222-3333-4444-555555555555')];
    expect(md(block.paragraph(runs))).toBe('**bold** and `code` [site](https://x.test) see [Other page](https://www.notion.so/11111111222233334444555555555555)');
  });

  it('renders bulleted, numbered and nested lists as one tight list each', () => {
    expect(md(block.bulleted('a', [block.bulleted('a.1')]), block.bulleted('b'), block.numbered('first'), block.numbered('second', [block.numbered('inner')]))).toBe(
      '- a\n  - a.1\n- b\n1. first\n2. second\n   1. inner',
    );
  });

  it('restarts numbering after another block', () => {
    expect(md(block.numbered('x'), block.paragraph('break'), block.numbered('y'))).toBe('1. x\n\nbreak\n\n1. y');
  });

  it('renders to-dos with their state', () => {
    expect(md(block.toDo('done', true), block.toDo('open', false))).toBe('- [x] done\n- [ ] open');
  });

  it('renders code with its language, and plain text without one', () => {
    expect(md(block.code('const a = 1;', 'typescript'), block.code('x', 'plain text'))).toBe('```typescript\nconst a = 1;\n```\n\n```\nx\n```');
  });

  it('renders quotes and callouts as block quotes, children included', () => {
    expect(md(block.quote('said', [block.paragraph('more')]), block.callout('Careful', '⚠️'))).toBe('> said\n>\n> more\n\n> ⚠️ Careful');
  });

  it('renders a toggle as a list item with its content nested', () => {
    expect(md(block.toggle('Details', [block.paragraph('hidden text')]))).toBe('- Details\n  hidden text');
  });

  it('renders tables with and without a column header, escaping pipes', () => {
    expect(md(block.table([['Name', 'Role'], ['Ann', 'a|b']]))).toBe('| Name | Role |\n| --- | --- |\n| Ann | a\\|b |');
    expect(md(block.table([['1', '2']], false))).toBe('|  |  |\n| --- | --- |\n| 1 | 2 |');
  });

  it('renders dividers, equations, bookmarks, media and child pages', () => {
    expect(md(block.divider(), block.equation('e=mc^2'), block.bookmark('https://b.test'), block.image('https://i.test/x.png', 'Diagram'), block.childPage('Sub'))).toBe(
      '---\n\n$$\ne=mc^2\n$$\n\n[https://b.test](https://b.test)\n\n[Diagram](https://i.test/x.png)\n\n[Sub](https://www.notion.so/b4)',
    );
  });

  it('renders columns as their content', () => {
    expect(md(block.columns([block.paragraph('left')], [block.paragraph('right')]))).toBe('left\n\nright');
  });

  it('skips and counts unsupported blocks without failing', () => {
    const counts = {};
    expect(blocksToMarkdown(nodes([block.paragraph('a'), block.unsupported(), block.unsupported('audio_x'), block.unsupported()]), counts)).toBe('a');
    expect(counts).toEqual({ unsupported: 2, audio_x: 1 });
  });
});
