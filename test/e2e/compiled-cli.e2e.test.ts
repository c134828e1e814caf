import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/actors/system/health-report.ts';
import { freePort } from '../support/free-port.ts';
import { eventually } from '../support/temp-service.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
let dir = '';

// The production path: `npm run build` emits dist/, and the `inlet` bin (dist/cli.js) runs it with plain node.
beforeAll(async () => {
  await run('npm', ['run', 'build', '--silent'], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'inlet-compiled-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the compiled inlet', () => {
  it('answers --help through npx inlet', async () => {
    const { stdout } = await run('npx', ['--no-install', 'inlet', '--help'], { cwd: ROOT });
    expect(stdout).toContain('usage: inlet [command] [options]');
  });

  it('serves from dist/, answers `inlet health`, and stops on SIGTERM with exit 0', async () => {
    const port = await freePort();
    mkdirSync(join(dir, 'docs'));
    const file = join(dir, 'inlet.yaml');
    writeFileSync(
      file,
      `connectors:\n  docs:\n    kind: local\n    metadata: { path: ${JSON.stringify(join(dir, 'docs'))} }\nstorage: { path: ${JSON.stringify(join(dir, 'inlet.db'))} }\nserver: { port: ${port}, host: 127.0.0.1 }\n`,
    );
    const service = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), 'serve', '--config', file], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => service.once('exit', (code) => done(code)));
    try {
      const { stdout } = await eventually(
        'inlet health answering',
        () => run(process.execPath, [join(ROOT, 'dist/cli.js'), 'health', '--config', file], { cwd: dir }),
        20_000,
      );
      const report = JSON.parse(stdout) as HealthReport;
      expect(report.connectors.map((c) => c.name)).toEqual(['docs']);
    } finally {
      service.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
