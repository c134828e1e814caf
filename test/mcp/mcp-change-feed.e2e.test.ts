import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorText, startStdioInlet, type StdioInlet, structured } from '../support/mcp-stdio-inlet.ts';
import { eventually } from '../support/temp-service.ts';


interface ChangesAnswer {
  changes: { cursor: string; document_id: string; kind: 'upsert' | 'delete'; source: string; path: string; url: string | null; committed_at: string }[];
  next_cursor: string;
  has_more: boolean;
}

describe('recent_changes over stdio: the change feed of inlet mcp, driven by the SDK client', () => {
  let inlet: StdioInlet | undefined;
  let docs = '';
  let client: Client;

  beforeAll(async () => {
    inlet = await startStdioInlet('inlet-mcp-changes-');
    docs = inlet.docs;
    client = inlet.client;
  });

  afterAll(async () => {
    await inlet?.close();
  });

  const changes = async (args: { since_cursor?: string; limit?: number }) => structured<ChangesAnswer>(await client.callTool({ name: 'recent_changes', arguments: args }));

  it('lists an edit and a delete in commit order, after the cursor an earlier call gave', async () => {
    writeFileSync(join(docs, 'guide.md'), '# Guide\n\nFirst version.\n');
    writeFileSync(join(docs, 'old.md'), '# Old\n\nAbout to go.\n');
    const first = await eventually(
      'both files in the feed',
      async () => {
        const answer = await changes({});
        return answer.changes.length >= 2 ? answer : undefined;
      },
      15_000,
    );
    expect(first!.changes.map((c) => [c.document_id, c.kind]).sort()).toEqual([
      ['docs:guide.md', 'upsert'],
      ['docs:old.md', 'upsert'],
    ]);
    const cursor = first!.next_cursor;

    writeFileSync(join(docs, 'guide.md'), '# Guide\n\nSecond version.\n');
    await eventually('the edit committed', async () => (await changes({ since_cursor: cursor })).changes.length >= 1, 15_000);
    unlinkSync(join(docs, 'old.md'));
    const after = await eventually(
      'the edit and the delete in the feed',
      async () => {
        const answer = await changes({ since_cursor: cursor, limit: 10 });
        return answer.changes.some((c) => c.kind === 'delete') ? answer : undefined;
      },
      15_000,
    );
    expect(after!.changes.map((c) => [c.document_id, c.kind])).toEqual([
      ['docs:guide.md', 'upsert'],
      ['docs:old.md', 'delete'],
    ]);
    expect(after!.changes[1]).toMatchObject({ source: 'docs', path: 'old.md', url: null });
    const times = after!.changes.map((c) => Date.parse(c.committed_at));
    expect(times[0]).toBeLessThanOrEqual(times[1]);
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse(first!.changes[1].committed_at));
    expect(after!.has_more).toBe(false);
    // Caught up: nothing after the last cursor, which stays put.
    expect(await changes({ since_cursor: after!.next_cursor })).toEqual({ changes: [], next_cursor: after!.next_cursor, has_more: false });
    // limit pages through the same changes.
    const one = await changes({ since_cursor: cursor, limit: 1 });
    expect(one.changes.map((c) => c.document_id)).toEqual(['docs:guide.md']);
    expect(one.has_more).toBe(true);
  });

  it('answers a bad cursor or limit with a one-sentence tool error', async () => {
    expect(errorText(await client.callTool({ name: 'recent_changes', arguments: { since_cursor: 'yesterday' } }))).toBe(
      '"yesterday" is not a change feed cursor; read without a cursor to get the newest changes and a fresh cursor.',
    );
    expect(errorText(await client.callTool({ name: 'recent_changes', arguments: { since_cursor: '99999' } }))).toContain('is ahead of every change this feed holds');
    expect(errorText(await client.callTool({ name: 'recent_changes', arguments: { limit: 501 } }))).toContain('limit must be a whole number from 1 to 500.');
    expect(errorText(await client.callTool({ name: 'recent_changes', arguments: { limit: 0 } }))).toContain('limit must be a whole number from 1 to 500.');
  });
});
