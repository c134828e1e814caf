import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cluster, Redis } from 'ioredis';
import { freePort } from './free-port.ts';

/**
 * The Redis a convergence run drives inlet against. `pause` and `restart` are the faults the harness may inject; a
 * target without them (an external Redis, a Cluster) gets histories without those steps.
 */
export interface ConvergenceRedisTarget {
  /** Shown in test names and bench results: `private redis-server (AOF)`, `redis cluster`. */
  label: string;
  /** `redis.url` of inlet.yaml. */
  url: string;
  /** More keys of inlet.yaml's `redis:` section, one `key: value` per entry (e.g. `cluster: true`). */
  redisYaml?: string[];
  /** A client for the harness's own probes of the queue keys (all in one slot: they share the queue's hash tag). */
  connect(): Redis | Cluster;
  /** Hangs the server for `seconds` (DEBUG SLEEP); resolves when the sleep ends. */
  pause?(seconds: number): Promise<void>;
  /** Kills the server with SIGKILL and starts it again on the same port and append-only file. */
  restart?(): Promise<void>;
  close(): Promise<void>;
}

/** Options of an external target. */
export interface ExternalRedisOptions {
  label?: string;
  /** More keys of inlet.yaml's `redis:` section (a Cluster: `cluster: true`). */
  redisYaml?: string[];
  /** The harness's probe client; default a plain ioredis client on `url` (a Cluster passes `new Cluster([...])`). */
  connect?: () => Redis | Cluster;
}

/** A Redis someone else runs (the shared one on 6379, the test set-up's Cluster): no pauses, no restarts. */
export function externalRedisTarget(url: string, options: ExternalRedisOptions = {}): ConvergenceRedisTarget {
  return {
    label: options.label ?? `external Redis ${url}`,
    url,
    redisYaml: options.redisYaml,
    connect: options.connect ?? (() => new Redis(url, { maxRetriesPerRequest: 1 })),
    close: async () => undefined,
  };
}

/**
 * A private redis-server with the append-only file fsynced at every write (`appendfsync always`) and DEBUG allowed
 * (Redis 7 refuses DEBUG SLEEP unless started with `--enable-debug-command yes`). With `always`, a SIGKILL loses no
 * write that was acknowledged, so a restart is a fault inlet must survive whole; `everysec`, the production setting,
 * may lose the last second (README), which no ingestion design can make up for and is not what this test measures.
 */
export async function startPrivateRedis(): Promise<ConvergenceRedisTarget> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'inlet-convergence-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const killOnExit = () => child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
    const spawned = spawn('redis-server', [...args, '--enable-debug-command', 'yes'], { stdio: 'ignore' });
    child = spawned;
    exited = new Promise((resolve) => spawned.once('exit', () => resolve()));
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (spawned.exitCode !== null) throw new Error(`redis-server exited with code ${spawned.exitCode}`);
        try {
          if (probe.status !== 'ready') await probe.connect();
          // Loading the append-only file answers LOADING: ready only once PING says PONG.
          if ((await probe.ping()) === 'PONG') return;
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      probe.disconnect();
    }
  };
  const kill = async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    label: 'private redis-server (AOF always, DEBUG SLEEP)',
    url,
    connect: () => new Redis(url, { maxRetriesPerRequest: 1 }),
    async pause(seconds) {
      const sleeper = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
      sleeper.on('error', () => undefined);
      try {
        await sleeper.call('DEBUG', 'SLEEP', String(seconds));
      } catch {
        // A restart during the sleep ends it early: the pause is over either way.
      } finally {
        sleeper.disconnect();
      }
    },
    async restart() {
      await kill();
      await start();
    },
    async close() {
      await kill();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
