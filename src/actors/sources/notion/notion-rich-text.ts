import type { NotionProperty, NotionRichText } from './notion-types.ts';

/** Rich text as Markdown: links as `[text](url)`, mentions and equations as their text, inline styles kept. */
export function richTextToMarkdown(runs: NotionRichText[] | undefined): string {
  return (runs ?? []).map(runToMarkdown).join('');
}

/** Rich text without any markup (titles, property values). */
export function plainText(runs: NotionRichText[] | undefined): string {
  return (runs ?? []).map((r) => r.plain_text ?? r.text?.content ?? '').join('');
}

function runToMarkdown(run: NotionRichText): string {
  if (run.type === 'equation') return `$${run.equation?.expression ?? run.plain_text}$`;
  let text = run.plain_text ?? run.text?.content ?? '';
  if (text === '') return '';
  const a = run.annotations ?? {};
  if (a.code) text = `\`${text}\``;
  else {
    // Markdown emphasis cannot wrap surrounding spaces, so they stay outside the markers.
    const [, lead, core, trail] = /^(\s*)(.*?)(\s*)$/s.exec(text) ?? ['', '', text, ''];
    let styled = core;
    if (core !== '') {
      if (a.bold) styled = `**${styled}**`;
      if (a.italic) styled = `*${styled}*`;
      if (a.strikethrough) styled = `~~${styled}~~`;
    }
    text = lead + styled + trail;
  }
  const href = run.href ?? run.text?.link?.url ?? null;
  return href ? `[${text}](${href})` : text;
}

/** The page's title: the property of type `title`, whatever it is named. */
export function titleOf(properties: Record<string, NotionProperty>): string {
  const title = Object.values(properties).find((p) => p.type === 'title');
  return title ? plainText(title.title as NotionRichText[]).trim() : '';
}

/** A property value as one line of text, or '' when empty or not representable. */
export function propertyToText(property: NotionProperty): string {
  const value = property[property.type];
  switch (property.type) {
    case 'title':
    case 'rich_text':
      return plainText(value as NotionRichText[]);
    case 'number':
    case 'url':
    case 'email':
    case 'phone_number':
    case 'created_time':
    case 'last_edited_time':
      return value === null || value === undefined ? '' : String(value);
    case 'checkbox':
      return value ? 'yes' : 'no';
    case 'select':
    case 'status':
      return (value as { name?: string } | null)?.name ?? '';
    case 'multi_select':
      return ((value as { name: string }[] | null) ?? []).map((o) => o.name).join(', ');
    case 'date': {
      const date = value as { start: string; end: string | null } | null;
      return date ? (date.end ? `${date.start} → ${date.end}` : date.start) : '';
    }
    case 'people':
    case 'created_by':
    case 'last_edited_by': {
      const people = (Array.isArray(value) ? value : [value]) as ({ name?: string; id: string } | null)[];
      return people.filter((p) => p !== null).map((p) => p.name ?? p.id).join(', ');
    }
    case 'relation':
      return ((value as { id: string }[] | null) ?? []).map((r) => r.id).join(', ');
    case 'unique_id': {
      const id = value as { prefix: string | null; number: number | null } | null;
      return id?.number === null || id === null ? '' : `${id.prefix ? `${id.prefix}-` : ''}${id.number}`;
    }
    case 'formula': {
      const formula = value as { type: string; [k: string]: unknown } | null;
      return formula ? propertyToText(formula as NotionProperty) : '';
    }
    case 'string':
    case 'boolean':
      return value === null || value === undefined ? '' : String(value);
    case 'files':
      return ((value as { name: string }[] | null) ?? []).map((f) => f.name).join(', ');
    default:
      return '';
  }
}
