import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runInlet } from '../support/run-inlet.ts';
import type { HealthReport } from '../../src/actors/system/health-report.ts';
import { eventually, jsonOf } from '../support/temp-service.ts';
import { freePort } from '../support/free-port.ts';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function tempConfig(yaml: string): string {
  dir = mkdtempSync(join(tmpdir(), 'inlet-proc-'));
  const file = join(dir, 'inlet.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('the inlet process', () => {
  it('exits 2 on an invalid config, naming the key path, and starts nothing', async () => {
    const port = await freePort();
    const file = tempConfig(`connectors:\n  docs:\n    kind: local\n    batch_size: lots\n    metadata: { path: ./docs }\nserver: { port: ${port} }\n`);
    const inlet = runInlet(['--config', file]);
    expect(await inlet.exited).toBe(2);
    expect(inlet.output()).toContain('connectors.docs.batch_size');
    await expect(fetch(`http://127.0.0.1:${port}/webhooks/health`)).rejects.toThrow();
  });

  it('exits 2 when a referenced environment variable is unset, naming the key and the variable', async () => {
    const file = tempConfig('connectors:\n  docs:\n    kind: local\n    webhook_secret: "${DOCS_SECRET}"\n    metadata: { path: ./docs }\n');
    const inlet = runInlet(['--config', file]);
    expect(await inlet.exited).toBe(2);
    expect(inlet.output()).toContain('connectors.docs.webhook_secret: environment variable DOCS_SECRET is not set');
  });

  it('finds its config through INLET_CONFIG when no --config is given', async () => {
    const file = tempConfig('queue: { max_size: -1 }\n');
    const inlet = runInlet([], { INLET_CONFIG: file });
    expect(await inlet.exited).toBe(2);
    expect(inlet.output()).toContain(file);
    expect(inlet.output()).toContain('queue.max_size');
  });

  it('serves health, ingests a file, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const file = tempConfig('');
    mkdirSync(join(dir, 'docs'));
    writeFileSync(
      file,
      `connectors:\n  docs:\n    kind: local\n    metadata: { path: ${JSON.stringify(join(dir, 'docs'))} }\nstorage: { path: ${JSON.stringify(join(dir, 'inlet.db'))} }\nserver: { port: ${port}, host: 127.0.0.1 }\n`,
    );
    const inlet = runInlet(['--config', file]);
    const health = await eventually('health answering', () => jsonOf<HealthReport>(fetch(`http://127.0.0.1:${port}/webhooks/health`)));
    expect(Object.keys(health)).toEqual(expect.arrayContaining(['status', 'connectors']));
    writeFileSync(join(dir, 'docs', 'hello.md'), '# Hello\n\nworld\n');
    await eventually('hello.md processed', async () => {
      const report = await jsonOf<HealthReport>(fetch(`http://127.0.0.1:${port}/webhooks/health`));
      return report.workers[0].stats.processed === 1;
    });
    inlet.child.kill('SIGTERM');
    expect(await inlet.exited).toBe(0);
    expect(inlet.output()).toContain('"message":"stopped"');
  });
});
