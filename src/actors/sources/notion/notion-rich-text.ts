import type { NotionProperty, NotionRichText } from './notion-types.ts';

/** Rich text as Markdown: links as `[text](url)`, mentions and equations as their text, inline styles kept. */
export function richTextToMarkdown(runs: readonly NotionRichText[] | undefined): string {
  return (runs ?? []).map(runToMarkdown).join('');
}

/** Rich text without any markup (titles, property values). */
export function plainText(runs: readonly NotionRichText[] | undefined): string {
  return (runs ?? []).map(textOf).join('');
}

/** A run's text: `plain_text`, or the content of a text run that lacks it. */
function textOf(run: NotionRichText): string {
  return run.plain_text ?? (run.type === 'text' ? run.text.content : '');
}

function runToMarkdown(run: NotionRichText): string {
  if (run.type === 'equation') return `$${run.equation.expression ?? run.plain_text}$`;
  let text = textOf(run);
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
  const href = run.href ?? (run.type === 'text' ? run.text.link?.url : null) ?? null;
  return href ? `[${text}](${href})` : text;
}

/** The page's title: the property of type `title`, whatever it is named. */
export function titleOf(properties: Record<string, NotionProperty>): string {
  const title = Object.values(properties).find((p) => p.type === 'title');
  return title?.type === 'title' ? plainText(title.title).trim() : '';
}

/** A property value as one line of text, or '' when empty or not representable. */
export function propertyToText(property: NotionProperty): string {
  if (isScalarProperty(property)) return textOrEmpty(scalarValue(property));
  switch (property.type) {
    case 'title':
      return plainText(property.title);
    case 'rich_text':
      return plainText(property.rich_text);
    case 'checkbox':
      return property.checkbox ? 'yes' : 'no';
    case 'select':
      return property.select?.name ?? '';
    case 'status':
      return property.status?.name ?? '';
    case 'multi_select':
      return property.multi_select.map((o) => o.name).join(', ');
    case 'date':
      return dateText(property.date);
    case 'people':
      return property.people.map(personName).join(', ');
    case 'created_by':
      return personName(property.created_by);
    case 'last_edited_by':
      return personName(property.last_edited_by);
    case 'relation':
      return property.relation.map((r) => r.id).join(', ');
    case 'unique_id': {
      const { prefix, number } = property.unique_id;
      return number === null ? '' : `${prefix ? `${prefix}-` : ''}${number}`;
    }
    case 'formula': {
      const formula = property.formula;
      if (formula.type === 'date') return dateText(formula.date);
      if (formula.type === 'string') return textOrEmpty(formula.string);
      if (formula.type === 'number') return textOrEmpty(formula.number);
      return formula.type === 'boolean' ? textOrEmpty(formula.boolean) : '';
    }
    case 'files':
      return property.files.map((f) => f.name).join(', ');
    default:
      return '';
  }
}

/** Property types whose value is one number or string, held under the key the type names (`{ type: 'url', url: … }`). */
const SCALAR_PROPERTY_TYPES = ['number', 'url', 'email', 'phone_number', 'created_time', 'last_edited_time'] as const;

/** A property of one of `SCALAR_PROPERTY_TYPES`. */
type ScalarProperty = Extract<NotionProperty, { type: (typeof SCALAR_PROPERTY_TYPES)[number] }>;

function isScalarProperty(property: NotionProperty): property is ScalarProperty {
  return (SCALAR_PROPERTY_TYPES as readonly string[]).includes(property.type);
}

function scalarValue(property: ScalarProperty): string | number | null {
  // TypeScript cannot index a union by its own tag (the key and the member are not correlated), hence the cast.
  return (property as unknown as Record<ScalarProperty['type'], string | number | null>)[property.type];
}

function textOrEmpty(value: string | number | boolean | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

function dateText(date: { start: string; end: string | null } | null): string {
  return date ? (date.end ? `${date.start} → ${date.end}` : date.start) : '';
}

/** A user's name when the answer carries it (a full user), else the id. */
function personName(person: { id: string; name?: string | null }): string {
  return person.name ?? person.id;
}
