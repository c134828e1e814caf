// markdown-it-front-matter 0.2.4 ships no types; this is the part inlet uses.
declare module 'markdown-it-front-matter' {
  import type { PluginWithOptions } from 'markdown-it';

  /**
   * Reads a leading `---` block into a hidden `front_matter` token (`meta`: the YAML text; `map`: its lines, fences
   * included) and hands the YAML to the callback.
   */
  const frontMatterPlugin: PluginWithOptions<(yaml: string) => void>;
  export default frontMatterPlugin;
}
