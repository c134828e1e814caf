import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a real Redis for the test run, or '' when none could be had. */
    redisUrl: string;
  }
}

let redisServer: ChildProcess | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout?.trim() === 'PONG') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
}

/** Finds a real Redis: REDIS_URL, else a private redis-server from PATH, else none (suites skip loudly). */
export default async function setup(project: TestProject) {
  let url = process.env.REDIS_URL ?? '';
  if (!url && spawnSync('redis-server', ['--version']).status === 0) {
    const port = await freePort();
    redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitForPing(port);
    url = `redis://127.0.0.1:${port}`;
  }
  if (!url) {
    const message = 'NO REDIS: set REDIS_URL or put redis-server on the PATH; the Redis suites are SKIPPED';
    if (process.env.INLET_REQUIRE_REDIS === '1') throw new Error(`${message} (INLET_REQUIRE_REDIS=1 makes this fatal)`);
    console.warn(`\n${'!'.repeat(80)}\n${message}\n${'!'.repeat(80)}\n`);
  }
  project.provide('redisUrl', url);
  return () => {
    redisServer?.kill('SIGTERM');
  };
}
