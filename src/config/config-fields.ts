import { z } from 'zod';

/** A value as the problem line shows it: `"yes"`, `5`, `null`, `a list`. */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a map';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Seconds (fractions allowed), above 0, `fallback` when left out. */
export const seconds = (fallback: number) => numberIn(fallback, { above: true });

/** A whole number of at least `min` (default 1), `fallback` when left out. */
export const count = (fallback: number, min = 1) => numberIn(fallback, { min, whole: true });

/** `true` or `false` (also as the strings an `${VAR}` gives); anything else says what it got. */
export const flag = (fallback: boolean) =>
  z
    .union([z.boolean(), z.enum(['true', 'false'])], { error: (issue) => `expected true or false, got ${shown(issue.input)}` })
    .transform((v) => v === true || v === 'true')
    .default(fallback);

/** Bounds of `numberIn`: at least `min` (above it with `above`), at most `max`, a whole number with `whole`. */
export interface NumberBounds {
  min?: number;
  max?: number;
  above?: boolean;
  whole?: boolean;
}

/** A number (YAML number or numeric string) within bounds, `fallback` when left out. */
export function numberIn(fallback: number, bounds: NumberBounds = {}) {
  return optionalNumberIn(bounds).transform((v) => v ?? fallback);
}

/** A number within bounds, undefined when left out. */
export function optionalNumberIn({ min = 0, max = Number.POSITIVE_INFINITY, above = false, whole = false }: NumberBounds = {}) {
  const range = max < Number.POSITIVE_INFINITY ? `${above ? 'above' : 'from'} ${min} ${above ? 'and at most' : 'to'} ${max}` : `${above ? 'above' : 'of at least'} ${min}`;
  const problem = (input: unknown) => `expected ${whole ? 'a whole number' : 'a number'} ${range}, got ${shown(input)}`;
  return z
    .unknown()
    .optional()
    .transform((input, ctx) => {
      if (input === undefined || input === null) return undefined;
      const value = typeof input === 'string' && input.trim() !== '' ? Number(input) : input;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (above && value === min) || (whole && !Number.isInteger(value))) {
        ctx.addIssue({ code: 'custom', message: problem(input), input });
        return z.NEVER;
      }
      return value;
    });
}

/** A string that must be there and not empty; `required` is the whole message for a missing one. */
export function requiredText(required: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined || issue.input === null ? required : `expected a string, got ${shown(issue.input)}`) })
    .refine((v) => v.trim() !== '', required);
}

/** A string that may be left out (or empty): '' then. */
export function optionalText() {
  return z
    .string({ error: (issue) => `expected a string, got ${shown(issue.input)}` })
    .nullish()
    .transform((v) => v ?? '');
}

/** A folder inside a repository as written in inlet.yaml (`docs`, `./docs/`, `.`), without leading `./` or slashes; '' for the root. */
export function folderPath() {
  return optionalText().transform((v) => v.replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, ''));
}

/** An http(s) URL without trailing slashes, `fallback` when left out. */
export function httpUrl(fallback: string) {
  return z
    .string({ error: (issue) => `expected an http(s) URL, got ${shown(issue.input)}` })
    .default(fallback)
    .refine((v) => /^https?:\/\/[^/]+/.test(v), { error: (issue) => `expected an http(s) URL, got ${shown(issue.input)}` })
    .transform((v) => v.replace(/\/+$/, ''));
}

/**
 * A list given as a YAML list or a comma-separated string (what `${VAR}` gives), each item trimmed and passed through
 * `item`, which returns the item's normal form or a problem (`{ problem }`).
 */
export function stringList(notAList: string, item: (text: string) => string | { problem: string }) {
  return z
    .unknown()
    .optional()
    .transform((input, ctx) => {
      if (input === undefined || input === null) return undefined;
      const list = typeof input === 'string' ? input.split(',').filter((s) => s.trim() !== '') : input;
      if (!Array.isArray(list)) {
        ctx.addIssue({ code: 'custom', message: `${notAList}, got ${shown(input)}`, input });
        return z.NEVER;
      }
      const items: string[] = [];
      for (const [index, raw] of list.entries()) {
        const checked = typeof raw === 'string' || typeof raw === 'number' ? item(String(raw).trim()) : { problem: `${notAList}, got ${shown(raw)} in it` };
        if (typeof checked === 'string') items.push(checked);
        else ctx.addIssue({ code: 'custom', message: checked.problem, path: [index], input: raw });
      }
      return items;
    });
}

/** File extensions that are documents (`[.md, .mdx]`), lower-cased; default `.md`, `.mdx`. */
export function fileExtensions() {
  return stringList('expected a list of file extensions such as [.md, .mdx]', (text) =>
    /^\.[^./\\*]+$/.test(text) ? text.toLowerCase() : { problem: `'${text}' is not a file extension (write it as .md)` },
  )
    .refine((list) => list === undefined || list.length > 0, 'expected at least one file extension, such as [.md]')
    .transform((list) => list ?? ['.md', '.mdx']);
}
