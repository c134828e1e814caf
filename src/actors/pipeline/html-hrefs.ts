import { Parser } from 'htmlparser2';

/**
 * `href` of every `<a>` in an HTML fragment. Both parsers hand inline HTML over tag by tag, so `<a href="x">` arrives
 * as its own fragment, apart from its `</a>`: a tokenizer, not a regex, because attributes may be quoted either way,
 * unquoted, or hold entities.
 */
export function htmlHrefs(html: string): string[] {
  if (!/<a[\s>]/i.test(html)) return [];
  const hrefs: string[] = [];
  const parser = new Parser({
    onopentag(name, attributes) {
      if (name === 'a' && attributes.href !== undefined) hrefs.push(attributes.href);
    },
  });
  parser.write(html);
  parser.end();
  return hrefs;
}
