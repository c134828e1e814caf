import type { ShippedDoc } from './node-modules-docs.ts';

/** A query generated from the corpus and the document that answers it. */
export interface GeneratedQuery {
  q: string;
  /** Path of the document that must come back (ShippedDoc.path). */
  expected: string;
}

/** Deterministic pseudo-random numbers (mulberry32), so every run asks the same questions. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: T[], seed: number): T[] {
  const next = random(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The Markdown without fenced code blocks: identifiers and headings are taken from prose only. */
function withoutFences(content: string): string {
  return content.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

// An identifier: one word with inner punctuation, a digit or an inner capital (`queue.lease_seconds`, `--flag`,
// `ERR_CODE_42`, `createServer`), not a plain English word that many documents share.
const IDENTIFIER = /^-{0,2}[A-Za-z_$][\w$]*(?:[.\-:/][\w$]+)*$/;
/** Queries taken from one document at most: enough for a few hundred queries from a few hundred files, without one file dominating. */
const PER_DOC = 2;

const isIdentifierLike = (s: string) => s.length >= 5 && s.length <= 60 && IDENTIFIER.test(s) && /[._\-:/$\d]|[a-z][A-Z]/.test(s);

/**
 * Up to `limit` queries, each an identifier from an inline code span of one document that
 * occurs in no other document of the corpus, even as a substring (`PER_DOC` per document at most): the exact-term questions vector similarity cannot promise.
 */
export function exactIdentifierQueries(docs: ShippedDoc[], limit: number, seed = 15): GeneratedQuery[] {
  const candidates: GeneratedQuery[] = [];
  for (const doc of docs) {
    const spans = [...withoutFences(doc.content).matchAll(/`([^`\n]+)`/g)].map((m) => m[1].trim()).filter(isIdentifierLike);
    for (const pick of shuffled([...new Set(spans)], seed + candidates.length).slice(0, PER_DOC)) candidates.push({ q: pick, expected: doc.path });
  }
  const queries: GeneratedQuery[] = [];
  for (const candidate of shuffled(candidates, seed)) {
    if (queries.length >= limit) break;
    const holders = docs.filter((d) => d.content.includes(candidate.q));
    if (holders.length === 1) queries.push(candidate);
  }
  return queries;
}

const VERBS = new Set(
  'add build call change check configure connect create customize define disable enable extend get handle install log migrate pass read register run send set start stop test update upgrade use write'.split(' '),
);

/** A section heading as a person would ask for it: "Configure the logger" becomes "how do I configure the logger?". */
export function headingAsQuestion(heading: string): string {
  const words = heading.split(/\s+/);
  const first = words[0].toLowerCase();
  const rest = words.slice(1).join(' ');
  if (/^(how|what|why|when|where|which|can|does|is)$/.test(first)) return `${heading.replace(/[?.!:]+$/, '')}?`;
  const verb = first.endsWith('ing') && VERBS.has(first.slice(0, -3)) ? first.slice(0, -3) : first;
  if (VERBS.has(verb)) return `how do I ${verb} ${rest}?`.replace(/ \?$/, '?');
  return `how does ${heading} work?`;
}

/** Heading text with Markdown inline syntax removed, or null when it is not a sentence-like heading of 2 to 8 words. */
function plainHeading(raw: string): string | null {
  const text = raw
    .replace(/\s#+\s*$/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*_]/g, '')
    .trim();
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length < 2 || words.length > 8 || !/^[A-Za-z]/.test(text) || /[{}()=<>|]/.test(text)) return null;
  return text;
}

/**
 * Up to `limit` queries, each a `##` or `###` heading of one document (`PER_DOC` per document at most) that no other
 * document of the corpus has, rephrased as a question (`headingAsQuestion`).
 */
export function headingQuestionQueries(docs: ShippedDoc[], limit: number, seed = 15): GeneratedQuery[] {
  const headingsOf = docs.map((doc) => [
    ...new Set(
      [...withoutFences(doc.content).matchAll(/^#{2,3}\s+(.+)$/gm)].map((m) => plainHeading(m[1])).filter((h): h is string => h !== null),
    ),
  ]);
  const holders = new Map<string, number>();
  for (const headings of headingsOf) for (const h of headings) holders.set(h.toLowerCase(), (holders.get(h.toLowerCase()) ?? 0) + 1);
  const candidates: GeneratedQuery[] = [];
  docs.forEach((doc, i) => {
    const unique = headingsOf[i].filter((h) => holders.get(h.toLowerCase()) === 1);
    for (const pick of shuffled(unique, seed + i).slice(0, PER_DOC)) candidates.push({ q: headingAsQuestion(pick), expected: doc.path });
  });
  return shuffled(candidates, seed).slice(0, limit);
}
