import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { runInlet } from '../support/run-inlet.ts';
import { eventually } from '../support/temp-service.ts';

const ROOT = resolve(import.meta.dirname, '../..');
let dir = '';
let blocker: Server | undefined;
afterEach(() => {
  blocker?.close();
  blocker = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A config with a local connector on an empty folder, listening on `port` on loopback. */
function serviceConfig(port: number): string {
  dir = mkdtempSync(join(tmpdir(), 'inlet-cli-'));
  mkdirSync(join(dir, 'docs'));
  const file = join(dir, 'inlet.yaml');
  writeFileSync(
    file,
    `connectors:\n  docs:\n    kind: local\n    metadata: { path: ${JSON.stringify(join(dir, 'docs'))} }\nstorage: { path: ${JSON.stringify(join(dir, 'inlet.db'))} }\nserver: { port: ${port}, host: 127.0.0.1 }\n`,
  );
  return file;
}

const answers = (port: number) =>
  fetch(`http://127.0.0.1:${port}/webhooks/health`).then(
    () => true,
    () => false,
  );

/** True while a process with this pid exists. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the inlet command line, as a process', () => {
  it('--help prints the usage and exits 0 without starting a service, even beside a running one', async () => {
    const port = await freePort();
    const file = serviceConfig(port);
    const inlet = runInlet(['--help', '--config', file]);
    expect(await inlet.exited).toBe(0);
    expect(inlet.output()).toContain('usage: inlet [command] [options]');
    expect(inlet.output()).toContain('breaker reset <connector>');
    // It exited on its own, so nothing listens: the port is still free.
    expect(await answers(port)).toBe(false);

    const command = runInlet(['poll', '--help']);
    expect(await command.exited).toBe(0);
    expect(command.output()).toContain('usage: inlet poll <connector> [options]');
  });

  it('answers an unknown flag or command with the usage on stderr and exit 2', async () => {
    const flag = runInlet(['--bogus']);
    expect(await flag.exited).toBe(2);
    expect(flag.output()).toMatch(/^inlet: Unknown option '--bogus'\n\nusage: inlet/);
    const command = runInlet(['deploy']);
    expect(await command.exited).toBe(2);
    expect(command.output()).toContain("inlet: unknown command 'deploy'");
  });

  it('exits 2 on a nested typo or a local connector without metadata.path, naming each key, with no stack', async () => {
    dir = mkdtempSync(join(tmpdir(), 'inlet-cli-'));
    const file = join(dir, 'inlet.yaml');
    writeFileSync(file, 'connectors:\n  docs:\n    kind: local\n    poll_intervall_seconds: 5\n    metadata: {}\nqueue:\n  max_sise: 10\n');
    const inlet = runInlet(['--config', file]);
    expect(await inlet.exited).toBe(2);
    expect(inlet.output()).toBe(
      [
        `invalid configuration in ${file}:`,
        '  - connectors.docs.metadata.path: required, the folder to watch',
        '  - connectors.docs.poll_intervall_seconds: unknown key (did you mean poll_interval_seconds?)',
        '  - queue.max_sise: unknown key (did you mean max_size?)',
        '',
      ].join('\n'),
    );
  });

  it('refuses --inspect on a non-loopback host without server.admin_token, with exit 2 naming the key', async () => {
    const port = await freePort();
    const file = serviceConfig(port);
    writeFileSync(file, readFileSync(file, 'utf8').replace('host: 127.0.0.1', 'host: 0.0.0.0'));
    const inlet = runInlet(['--config', file, '--inspect']);
    expect(await inlet.exited).toBe(2);
    expect(inlet.output()).toContain('server.admin_token: required for --inspect when server.host is 0.0.0.0 (not loopback)');
    expect(await answers(port)).toBe(false);
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const inlet = runInlet(['version']);
    expect(await inlet.exited).toBe(0);
    expect(inlet.output()).toBe(`inlet ${version} (node ${process.version})\n`);
  });

  it('reports a port in use in one line and exit 1, and the stack only with --verbose', async () => {
    const port = await freePort();
    blocker = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker!.once('listening', r));
    const file = serviceConfig(port);
    const quiet = runInlet(['--config', file]);
    expect(await quiet.exited).toBe(1);
    const lines = quiet.output().trim().split('\n').filter((l) => !l.startsWith('{')); // JSON log lines aside
    expect(lines).toEqual([expect.stringMatching(/^inlet: listen EADDRINUSE: address already in use 127\.0\.0\.1:\d+ \(--verbose shows the stack\)$/)]);

    const verbose = runInlet(['--config', file, '--verbose']);
    expect(await verbose.exited).toBe(1);
    expect(verbose.output()).toMatch(/Error: listen EADDRINUSE[^\n]*\n\s+at /);
  });

  it('an operation against no running service says so in one line, exit 1', async () => {
    const port = await freePort();
    const inlet = runInlet(['health'], { INLET_URL: `http://127.0.0.1:${port}` });
    expect(await inlet.exited).toBe(1);
    expect(inlet.output()).toBe(`inlet: cannot reach inlet at http://127.0.0.1:${port} (ECONNREFUSED): is it running? set INLET_URL to point elsewhere\n`);
  });

  it('stops cleanly when SIGTERM goes to the `npm start` process: exit 0, port free, no orphan left', async () => {
    const port = await freePort();
    const file = serviceConfig(port);
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', INLET_CONFIG: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (chunk) => (output += chunk));
    npm.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((done) => npm.once('exit', (code) => done(code)));
    await eventually('the service answering', () => answers(port), 15_000);
    const service = JSON.parse(output.split('\n').find((l) => l.includes('"listening"')) ?? '{}') as { pid?: number };

    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"message":"stopped"');
    expect(await answers(port)).toBe(false);
    expect(service.pid, 'the listening line names the service pid').toBeTypeOf('number');
    expect(alive(service.pid!)).toBe(false);
  });
});
