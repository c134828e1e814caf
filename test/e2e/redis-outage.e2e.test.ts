import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { runInlet } from '../support/run-inlet.ts';
import { eventually } from '../support/temp-service.ts';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) console.warn('!!! SKIPPING the Redis outage test: redis-server is not on the PATH');

const SECRET = 'correct-horse-battery-staple';
let dir = '';
let redisServer: ChildProcess | undefined;
afterEach(() => {
  redisServer?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasRedisServer && process.env.INLET_REQUIRE_REDIS !== '1')('running on a Redis that is down', () => {
  it('starts unhealthy, recovers when Redis comes back without a restart, loses no change, and never shows the password', async () => {
    const [apiPort, redisPort] = [await freePort(), await freePort()];
    dir = mkdtempSync(join(tmpdir(), 'inlet-outage-'));
    mkdirSync(join(dir, 'docs'));
    const file = join(dir, 'inlet.yaml');
    writeFileSync(
      file,
      `connectors:
  docs:
    kind: local
    poll_interval_seconds: 1
    backoff_base_seconds: 0.1
    metadata: { path: ${JSON.stringify(join(dir, 'docs'))} }
redis:
  url: redis://127.0.0.1:${redisPort}
storage: { path: ${JSON.stringify(join(dir, 'inlet.db'))} }
server: { port: ${apiPort}, host: 127.0.0.1 }
`,
    );
    const inlet = runInlet(['--config', file], { REDIS_PASSWORD: SECRET });
    const health = async () => {
      const response = await fetch(`http://127.0.0.1:${apiPort}/webhooks/health`);
      return { code: response.status, text: await response.text() };
    };
    try {
      const down = (await eventually('an unhealthy report', async () => {
        const h = await health();
        return JSON.parse(h.text).status === 'unhealthy' ? h : undefined;
        // The process starts under tsx: up to tens of seconds on a loaded shared machine before it listens.
      }, 45_000))!;
      expect(down.code).toBe(503);
      expect(down.text).not.toContain(SECRET);

      // A change made during the outage must arrive once Redis is back. Polls do not overlap, so the second failure
      // counted after the write belongs to a poll that started after it: the connector met the change during the outage.
      writeFileSync(join(dir, 'docs', 'during-outage.md'), '# Written while Redis was down\n\nStill ingested.\n');
      const pollErrors = async () => JSON.parse((await health()).text).connectors[0].stats.errors as number;
      const errorsAtWrite = await pollErrors();
      await eventually('a whole poll failed after the write', async () => (await pollErrors()) >= errorsAtWrite + 2);

      redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', SECRET], {
        stdio: 'ignore',
      });
      await eventually(
        'a healthy report',
        async () => {
          const h = await health();
          return JSON.parse(h.text).status === 'healthy';
        },
        20_000,
      );
      await eventually(
        'the change made during the outage processed',
        async () => JSON.parse((await health()).text).workers[0].stats.processed >= 1,
        20_000,
      );
    } finally {
      inlet.child.kill('SIGTERM');
      await inlet.exited;
    }
    expect(inlet.output()).toContain('redis unreachable');
    expect(inlet.output()).not.toContain(SECRET);
  });
});
