import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** An `inlet mcp` process on a temp folder connector, with the SDK client connected to it over stdio. */
export interface StdioInlet {
  /** The watched folder (connector `docs`). */
  docs: string;
  client: Client;
  /** What the process wrote to stderr so far (its logs). */
  stderr(): string;
  /** Closes the client, which ends the process, and removes the temp folder. */
  close(): Promise<void>;
}

/**
 * Spawns `inlet mcp` as an assistant's host would: node with tsx, or the compiled CLI (INLET_TEST_CLI), never
 * `npm start`, whose banner would land on stdout. `prepare` runs before the server starts: files to find at start-up,
 * notification handlers on the client.
 */
export async function startStdioInlet(prefix: string, prepare: (docs: string, client: Client) => void = () => {}): Promise<StdioInlet> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const docs = join(dir, 'docs');
  mkdirSync(docs);
  const file = join(dir, 'inlet.yaml');
  writeFileSync(file, `connectors:\n  docs:\n    kind: local\n    metadata: { path: ${JSON.stringify(docs)} }\nstorage: { path: ${JSON.stringify(join(dir, 'inlet.db'))} }\n`);
  const compiled = process.env.INLET_TEST_CLI;
  const entry = compiled ? [resolve(ROOT, compiled)] : ['--import', 'tsx', resolve(ROOT, 'src/cli.ts')];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...entry, 'mcp', '--config', file],
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => (stderr += chunk));
  const client = new Client({ name: 'inlet-test', version: '1.0.0' });
  prepare(docs, client);
  await client.connect(transport);
  return {
    docs,
    client,
    stderr: () => stderr,
    async close() {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The structured answer of a tool call that must succeed. */
export function structured<T>(result: unknown): T {
  const r = result as CallToolResult;
  if (r.isError) throw new Error(`tool error: ${JSON.stringify(r.content)}`);
  return r.structuredContent as T;
}

/** The sentence of a tool call that must fail with a tool error. */
export function errorText(result: unknown): string {
  const r = result as CallToolResult;
  expect(r.isError).toBe(true);
  return (r.content[0] as { text: string }).text;
}
