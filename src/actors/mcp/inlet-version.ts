import { readFileSync } from 'node:fs';

/** inlet's version from package.json (two folders up from src/actors/mcp and from dist/actors/mcp), as MCP clients see it. */
export function inletVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
