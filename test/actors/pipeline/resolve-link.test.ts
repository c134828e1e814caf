import { describe, expect, it } from 'vitest';
import { resolveLink } from '../../../src/actors/pipeline/resolve-link.ts';

describe('resolveLink', () => {
  it('resolves relative Markdown links against the linking file directory', () => {
    expect(resolveLink('docs', 'guide/setup/install.md', 'linux.md')).toBe('docs:guide/setup/linux.md');
    expect(resolveLink('docs', 'guide/setup/install.md', './linux.md')).toBe('docs:guide/setup/linux.md');
    expect(resolveLink('docs', 'guide/setup/install.md', '../intro.mdx')).toBe('docs:guide/intro.mdx');
    expect(resolveLink('docs', 'README.md', 'guide/./a/../b.md')).toBe('docs:guide/b.md');
  });

  it('strips anchors and queries', () => {
    expect(resolveLink('docs', 'a/b.md', 'c.md#section')).toBe('docs:a/c.md');
    expect(resolveLink('docs', 'a/b.md', 'c.md?plain=1#L3')).toBe('docs:a/c.md');
  });

  it('treats a leading slash as the source root and decodes percent-escapes', () => {
    expect(resolveLink('docs', 'a/b/c.md', '/top.md')).toBe('docs:top.md');
    expect(resolveLink('docs', 'a/c.md', 'my%20page.md')).toBe('docs:a/my page.md');
  });

  it('returns null for absolute URLs, anchors, non-Markdown targets and escapes from the root', () => {
    expect(resolveLink('docs', 'a.md', 'https://example.com/x.md')).toBeNull();
    expect(resolveLink('docs', 'a.md', 'http://example.com')).toBeNull();
    expect(resolveLink('docs', 'a.md', 'mailto:me@example.com')).toBeNull();
    expect(resolveLink('docs', 'a.md', '//cdn.example.com/x.md')).toBeNull();
    expect(resolveLink('docs', 'a.md', '#heading')).toBeNull();
    expect(resolveLink('docs', 'a.md', 'image.png')).toBeNull();
    expect(resolveLink('docs', 'a.md', 'folder/')).toBeNull();
    expect(resolveLink('docs', 'a/b.md', '../../outside.md')).toBeNull();
  });
});
