import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/actors/log/logger.ts';
import type { RedisClient } from '../../src/actors/queue/redis-script.ts';
import { connectRedis } from '../../src/actors/system/connect-redis.ts';
import { whenRedisReady } from '../../src/actors/system/redis-connection.ts';
import { openBackends } from '../../src/actors/system/open-backends.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import type { HealthReport } from '../../src/actors/system/health-report.ts';
import type { InletConfig } from '../../src/config/schema.ts';
import { type FakeGithub, startFakeGithub } from '../support/fake-github.ts';
import { freePort } from '../support/free-port.ts';
import { eventually, jsonOf, startTempService, type TempService } from '../support/temp-service.ts';

const SECRET = 'webhook-secret-for-the-hang';

/** A logger that keeps `level message` lines for the test to read. */
function recordingLogger(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, logger: { info: record('info'), warn: record('warn'), error: record('error') } };
}

/** A private redis-server that accepts DEBUG SLEEP (refused unless started with `--enable-debug-command yes`). */
async function startDebuggableRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await eventually('the private redis-server answers PING', async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
      if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
      return (await probe.ping()) === 'PONG';
    });
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.disconnect();
  }
  return { url, stop };
}

/** A push to the tracked branch, signed as GitHub signs it. */
function signedPush(deliveryId: string) {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    before: '0'.repeat(40),
    after: '1'.repeat(40),
    forced: false,
    deleted: false,
    repository: { full_name: 'octo/handbook', name: 'handbook', default_branch: 'main' },
    commits: [{ id: '1'.repeat(40), added: [], removed: [], modified: ['docs/guide.md'] }],
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
  };
}

let redisServer: { url: string; stop(): Promise<void> } | undefined;
let github: FakeGithub | undefined;
let service: TempService | undefined;
let clients: RedisClient[] = [];
afterEach(async () => {
  await service?.stop();
  for (const client of clients) client.disconnect();
  await github?.close();
  await redisServer?.stop();
  service = undefined;
  github = undefined;
  redisServer = undefined;
  clients = [];
});

describe('a hung Redis (DEBUG SLEEP)', () => {
  it('shows unreachable in health and answers webhooks 503 with Retry-After well inside GitHub’s 10 s, and recovers after the sleep without a restart', async () => {
    redisServer = await startDebuggableRedis();
    const { lines, logger } = recordingLogger();
    // The service's client as `inlet serve` makes it: with the default command timeout.
    const redis = connectRedis({ redis: { url: redisServer.url, password: '' } } as InletConfig, logger)!;
    clients.push(redis);
    github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: { 'docs/guide.md': '# Guide\n' } });
    service = await startTempService({
      redis,
      workerCount: 1,
      connectors: `  github:
    kind: github
    poll_interval_seconds: 3600
    webhook_secret: ${SECRET}
    metadata: { owner: octo, repo: handbook, docs_path: docs, api_url: ${JSON.stringify(github.url)} }`,
    });
    const { url } = service;
    const health = async () => {
      const response = await fetch(`${url}/webhooks/health`);
      return { status: response.status, report: (await response.json()) as HealthReport };
    };
    await eventually('the queue flowing', async () => (await health()).report.queue?.state === 'flowing');

    // From a connection of its own, and not awaited: the server hangs for 9 s from here. The bounds below (6 s) leave
    // room for a loaded CI machine while staying well inside GitHub's 10 s; the command timeout itself is 2 s.
    const sleeper = new Redis(redisServer.url);
    clients.push(sleeper);
    await sleeper.ping();
    const sleepStarted = Date.now();
    const slept = sleeper.call('DEBUG', 'SLEEP', '9');

    const webhook = (async () => {
      const sentAt = Date.now();
      const push = signedPush('delivery-during-the-hang');
      const response = await fetch(`${url}/webhooks/github`, { method: 'POST', headers: push.headers, body: push.body });
      return { response, elapsed: Date.now() - sentAt, body: (await response.json()) as { error?: { code: string; message: string } } };
    })();

    const unhealthy = await eventually(
      'health 503 with the queue unreachable',
      async () => {
        const answer = await health();
        return answer.status === 503 && answer.report.queue?.state === 'unreachable' ? answer : undefined;
      },
      6000,
    );
    expect(Date.now() - sleepStarted).toBeLessThan(6000);
    expect(unhealthy?.report.status).toBe('unhealthy');
    expect(unhealthy?.report.reasons.some((reason) => reason.startsWith('ingestion queue unreachable'))).toBe(true);

    const { response, elapsed, body } = await webhook;
    expect(response.status).toBe(503);
    expect(elapsed).toBeLessThan(6000);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(body.error?.code).toMatch(/^QUEUE_UNAVAILABLE$/);
    // The sleep has not ended yet: all of the above happened while Redis hung.
    expect(Date.now() - sleepStarted).toBeLessThan(9000);

    await slept;
    await eventually('health 200 with the queue flowing again', async () => {
      const answer = await health();
      return answer.status === 200 && answer.report.queue?.state === 'flowing';
    });
    const push = signedPush('delivery-after-the-hang');
    const after = await fetch(`${url}/webhooks/github`, { method: 'POST', headers: push.headers, body: push.body });
    expect(after.status).toBe(202);
    expect(await jsonOf(after)).toMatchObject({ accepted: true });
    // A hang is no connection error: nothing printed by ioredis, nothing logged as a lost connection.
    expect(lines.filter((line) => line.includes('redis unreachable'))).toEqual([]);
  }, 30_000);
});

describe('a Redis that goes away', () => {
  it('logs one line per connection through the logger for the whole outage, the blocking connection included', async () => {
    redisServer = await startDebuggableRedis();
    const { lines, logger } = recordingLogger();
    const dir = mkdtempSync(join(tmpdir(), 'inlet-outage-log-'));
    const config = parseConfig(`queue:\n  name: "outage:ingestion:queue"\nstorage:\n  path: ${JSON.stringify(join(dir, 'inlet.db'))}\n`, 'outage', {});
    const redis = connectRedis({ ...config, redis: { url: redisServer.url, password: '', cluster: false } }, logger)!;
    clients.push(redis);
    expect(await whenRedisReady(redis, 5000)).toBe(true);
    const backends = await openBackends(redis, config, logger);
    try {
      // A claim that waits opens the blocking connection and blocks on it.
      void backends.queue.claim({ max: 1, waitMs: 60_000 }).catch(() => undefined);
      await eventually('a client blocked on the server', async () => String(await redis.call('CLIENT', 'LIST')).includes('cmd=blmove'));
      let reconnects = 0;
      redis.on('reconnecting', () => reconnects++);
      await redisServer.stop();
      await eventually('several reconnect attempts', () => reconnects >= 4, 15_000);
      const outage = lines.filter((line) => line.startsWith('error'));
      expect(outage.sort()).toEqual(['error redis (blocking connection) unreachable; retrying in the background', 'error redis unreachable; retrying in the background']);
    } finally {
      await backends.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
