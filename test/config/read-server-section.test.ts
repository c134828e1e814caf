import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/config/config-error.ts';
import { readServerSection } from '../../src/config/read-server-section.ts';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function file(yaml: string): string {
  dir = mkdtempSync(join(tmpdir(), 'inlet-server-section-'));
  const path = join(dir, 'inlet.yaml');
  writeFileSync(path, yaml);
  return path;
}

const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error.problems;
    throw error;
  }
  throw new Error('no ConfigError');
};

describe('the server section the operations read', () => {
  it('takes port and admin token from the file, interpolated like the whole config', () => {
    const path = file('server:\n  port: ${PORT:-8000}\n  admin_token: "${INLET_ADMIN_TOKEN:-}"\n');
    expect(readServerSection(path, true, { PORT: '9100', INLET_ADMIN_TOKEN: 'tok-123' })).toEqual({ port: 9100, adminToken: 'tok-123', readToken: '' });
    expect(readServerSection(path, true, {})).toEqual({ port: 8000, adminToken: '', readToken: '' });
  });

  it('does not fail on a setting an operation does not use', () => {
    const path = file('connectors:\n  github:\n    webhook_secret: "${GITHUB_WEBHOOK_SECRET}"\nserver: { port: 8123 }\n');
    expect(readServerSection(path, true, {})).toEqual({ port: 8123, adminToken: '', readToken: '' });
  });

  it('falls back to port 8000 and INLET_ADMIN_TOKEN without a file, unless the file was named', () => {
    const missing = join(tmpdir(), 'no-such-inlet.yaml');
    expect(readServerSection(missing, false, { INLET_ADMIN_TOKEN: 'tok-9' })).toEqual({ port: 8000, adminToken: 'tok-9', readToken: '' });
    expect(problemsOf(() => readServerSection(missing, true, {}))).toEqual(['file not found (pass --config <file> or set INLET_CONFIG)']);
  });

  it('names server.port when it is not a port, and an unset variable under server', () => {
    expect(problemsOf(() => readServerSection(file('server: { port: eighty }\n'), true, {}))).toEqual(['server.port: expected a port number (0-65535), got "eighty"']);
    expect(problemsOf(() => readServerSection(file('server: { admin_token: "${ADMIN}" }\n'), true, {}))).toEqual([
      'server.admin_token: environment variable ADMIN is not set (use ${ADMIN:-default} to allow that)',
    ]);
  });
});
