import type { IngestionEvent } from '../src/model/ingestion-event.ts';

const WORDS = (
  'queue worker connector webhook lease retry backoff breaker graph vector chunk heading embed token cursor poll ' +
  'source redis sqlite store document section index link parent child batch ack claim release deadline budget ' +
  'latency throughput replica shard config schema runbook alert metric health status deploy rollout migrate ' +
  'the a of to and in for with on by from that this when each every only before after while until then'
).split(' ');

/** Deterministic pseudo-random numbers (mulberry32), so every run ingests the same corpus. */
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

function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(next() * WORDS.length)]);
  const text = out.join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function paragraph(next: () => number): string {
  return Array.from({ length: 4 + Math.floor(next() * 3) }, () => sentence(next, 8 + Math.floor(next() * 8))).join(' ');
}

/**
 * A realistic ~5 KB Markdown page: a title, an intro, several `##`/`###` sections with paragraphs, a bullet list,
 * a fenced code block and two relative links to sibling pages (so link resolution has work to do).
 */
export function markdownPage(index: number, total: number): string {
  const next = random(index + 1);
  const sibling = (offset: number) => `page-${(index + offset) % total}.md`;
  const parts = [
    `# Guide ${index}: ${sentence(next, 4).slice(0, -1)}`,
    paragraph(next),
    '## Overview',
    paragraph(next),
    paragraph(next),
    `See [the setup guide](../setup/${sibling(7)}) and [the related page](./${sibling(1)}#overview) first.`,
    '## Steps',
    Array.from({ length: 5 }, () => `- ${sentence(next, 6 + Math.floor(next() * 6))}`).join('\n'),
    paragraph(next),
    '### Configuration',
    [
      '```ts',
      `const queue = createQueue({ name: 'docs-${index}', maxSize: ${1000 + index}, leaseMs: 60_000 });`,
      'for (const event of await queue.claim({ max: 100, waitMs: 1000 })) {',
      '  await processor.process(event.event);',
      '}',
      '```',
    ].join('\n'),
    paragraph(next),
    '## Troubleshooting',
    paragraph(next),
    Array.from({ length: 3 }, (_, i) => `${i + 1}. ${sentence(next, 7)}`).join('\n'),
    '## Reference',
    paragraph(next),
  ];
  let text = parts.join('\n\n');
  while (text.length < 4800) text += `\n\n${paragraph(next)}`;
  return `${text}\n`;
}

/** Event `index` of a corpus of `total` distinct ~5 KB pages under `docs/guides/`, id prefixed so runs never collide. */
export function markdownEvent(index: number, total: number, prefix: string): IngestionEvent {
  return {
    id: `${prefix}:${index}`,
    source: 'bench',
    kind: 'upsert',
    docId: `bench:docs/guides/page-${index}.md`,
    path: `docs/guides/page-${index}.md`,
    content: markdownPage(index, total),
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** The whole corpus of `count` events (see `markdownEvent`). */
export function markdownEvents(count: number, prefix: string): IngestionEvent[] {
  return Array.from({ length: count }, (_, i) => markdownEvent(i, count, prefix));
}
