import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** A redis-server this run started on a free loopback port, with nothing saved to disk. */
export interface PrivateRedis {
  host: '127.0.0.1';
  port: number;
  url: string;
  /** `redis-server --version` output, for the report. */
  version: string;
  /** Kills the server and waits (up to 5 s) until it is reaped, so no zombie outlives the run; idempotent. */
  stop(): Promise<void>;
}

/** A TCP port the OS reports free on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Starts a private redis-server (the shared one on 6379 would mix other users' traffic into the figures). */
export async function startRedisServer(): Promise<PrivateRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Last resort when the run exits without stop() (a signal, an uncaught error): kill at least, synchronously.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    killOnExit();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  };
  try {
    await waitForPing(port, child);
  } catch (error) {
    await stop();
    throw error;
  }
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { host: '127.0.0.1', port, url: `redis://127.0.0.1:${port}`, version, stop };
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with code ${child.exitCode}`);
    const ping = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout?.trim() === 'PONG') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
}
