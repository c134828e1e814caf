import { describe, expect, it } from 'vitest';
import { storageToMarkdown } from '../../../../src/actors/sources/confluence/confluence-storage-to-markdown.ts';

const code = (language: string, body: string) =>
  `<ac:structured-macro ac:name="code" ac:schema-version="1" ac:macro-id="d1"><ac:parameter ac:name="language">${language}</ac:parameter><ac:plain-text-body><![CDATA[${body}]]></ac:plain-text-body></ac:structured-macro>`;
const panel = (name: string, body: string, title = '') =>
  `<ac:structured-macro ac:name="${name}">${title ? `<ac:parameter ac:name="title">${title}</ac:parameter>` : ''}<ac:rich-text-body>${body}</ac:rich-text-body></ac:structured-macro>`;

describe('storage format to Markdown', () => {
  it('renders headings h1 to h6', () => {
    expect(storageToMarkdown('<h1>One</h1><h3>Three <strong>bold</strong></h3><h6>Six</h6>')).toBe('# One\n\n### Three **bold**\n\n###### Six');
  });

  it('renders paragraphs with emphasis, inline code, line breaks and entities', () => {
    expect(storageToMarkdown('<p>Hello <em>big</em>\n  world&nbsp;&amp; <code>x &lt; y</code><br/>next&#8212;line</p><p>Two</p>')).toBe(
      'Hello *big* world & `x < y`\nnext\u2014line\n\nTwo',
    );
  });

  it('renders nested bulleted and numbered lists', () => {
    const storage = '<ul><li>One<ul><li>Inner <strong>a</strong></li><li>Inner b</li></ul></li><li><p>Two</p></li></ul><ol><li>First</li><li>Second<ol><li>Deep</li></ol></li></ol>';
    expect(storageToMarkdown(storage)).toBe('- One\n  - Inner **a**\n  - Inner b\n- Two\n\n1. First\n2. Second\n   1. Deep');
  });

  it('renders task lists with their status', () => {
    const storage = '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>Done</ac:task-body></ac:task><ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body>Todo</ac:task-body></ac:task></ac:task-list>';
    expect(storageToMarkdown(storage)).toBe('- [x] Done\n- [ ] Todo');
  });

  it('renders tables with a header row of th cells, escaping pipes', () => {
    const storage = '<table data-layout="default"><colgroup><col/></colgroup><tbody><tr><th><p>Name</p></th><th><p>Value</p></th></tr><tr><td><p>a|b</p></td><td>1</td></tr></tbody></table>';
    expect(storageToMarkdown(storage)).toBe('| Name | Value |\n| --- | --- |\n| a\\|b | 1 |');
  });

  it('gives a table without th cells an empty header so no data row is promoted', () => {
    expect(storageToMarkdown('<table><tr><td>x</td><td>y</td></tr></table>')).toBe('|  |  |\n| --- | --- |\n| x | y |');
  });

  it('renders links, and ac:link page links as their body or page title', () => {
    const storage =
      '<p><a href="https://example.com/a">Example</a> see <ac:link><ri:page ri:content-title="Deploy guide" ri:space-key="ENG"/></ac:link> and <ac:link><ri:page ri:content-title="X"/><ac:plain-text-link-body><![CDATA[the runbook]]></ac:plain-text-link-body></ac:link> or <ac:link><ri:attachment ri:filename="plan.pdf"/></ac:link></p>';
    expect(storageToMarkdown(storage)).toBe('[Example](https://example.com/a) see Deploy guide and the runbook or plan.pdf');
  });

  it('renders the code macro as fenced code with its language, CDATA kept verbatim', () => {
    expect(storageToMarkdown(code('typescript', 'const a = 1 < 2 && "x";\nconsole.log(a);'))).toBe('```typescript\nconst a = 1 < 2 && "x";\nconsole.log(a);\n```');
  });

  it('uses a longer fence when the code contains backticks, and renders noformat and pre as code', () => {
    expect(storageToMarkdown(code('', 'a ``` b'))).toBe('````\na ``` b\n````');
    expect(storageToMarkdown('<ac:structured-macro ac:name="noformat"><ac:plain-text-body><![CDATA[raw]]></ac:plain-text-body></ac:structured-macro>')).toBe('```\nraw\n```');
    expect(storageToMarkdown('<pre>x  y</pre>')).toBe('```\nx  y\n```');
  });

  it('renders info, note, warning and tip macros as block quotes with their kind and title', () => {
    expect(storageToMarkdown(panel('info', '<p>Read this.</p>'))).toBe('> **Info**\n>\n> Read this.');
    expect(storageToMarkdown(panel('warning', '<p>Careful.</p><p>Really.</p>', 'Danger'))).toBe('> **Warning: Danger**\n>\n> Careful.\n>\n> Really.');
    expect(storageToMarkdown(panel('note', '<ul><li>a</li></ul>'))).toBe('> **Note**\n>\n> - a');
  });

  it('renders the panel macro as a block quote with its title', () => {
    expect(storageToMarkdown(panel('panel', '<p>Body</p>', 'Summary'))).toBe('> **Summary**\n>\n> Body');
  });

  it('keeps the text of unknown macros and drops their parameters', () => {
    const storage = '<ac:structured-macro ac:name="details"><ac:parameter ac:name="id">x1</ac:parameter><ac:rich-text-body><p>Owner: Ana</p></ac:rich-text-body></ac:structured-macro><ac:structured-macro ac:name="toc"><ac:parameter ac:name="maxLevel">2</ac:parameter></ac:structured-macro>';
    expect(storageToMarkdown(storage)).toBe('Owner: Ana');
    expect(storageToMarkdown('<p>State: <ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Green</ac:parameter></ac:structured-macro>done</p>')).toBe('State: done');
  });

  it('renders layouts, blockquotes and rules', () => {
    const storage = '<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell><p>Left</p></ac:layout-cell><ac:layout-cell><blockquote><p>Quoted</p></blockquote></ac:layout-cell></ac:layout-section></ac:layout><hr/><p>End</p>';
    expect(storageToMarkdown(storage)).toBe('Left\n\n> Quoted\n\n---\n\nEnd');
  });

  it('tolerates unclosed and stray tags, comments and a bare <', () => {
    expect(storageToMarkdown('<p>a < b <!-- note --></span>tail<p>next')).toBe('a < b tail\n\nnext');
  });
});
