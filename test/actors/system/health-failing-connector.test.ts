import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/actors/log/logger.ts';
import { ConnectorManager } from '../../../src/actors/system/connector-manager.ts';
import { openBackends } from '../../../src/actors/system/open-backends.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { eventually } from '../../support/temp-service.ts';

/** A value configured as a secret that also ends up in the source's error messages (it names the docs folder). */
const SECRET = 'hunter2-folder-secret';

interface LogLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

const USED_UP = 'poll failed; retries used up, next poll at the interval';

/** The lines, once there is one (for `eventually`). */
const firstOf = (lines: LogLine[]) => (lines.length > 0 ? lines : undefined);

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/**
 * A service with one local-folder connector whose folder does not exist yet, logging into an array. Its retries run
 * out before its breaker opens (3 failed polls a round, breaker at 4), and its next poll is a minute away unless asked.
 */
async function startFailingService() {
  const dir = mkdtempSync(join(tmpdir(), 'inlet-health-'));
  const docs = join(dir, SECRET);
  const config = parseConfig(
    `connectors:
  docs:
    kind: local
    poll_interval_seconds: 60
    max_retries: 2
    backoff_base_seconds: 0.02
    circuit_breaker_failure_threshold: 4
    circuit_breaker_timeout_seconds: 1
    metadata: { path: ${JSON.stringify(docs)} }
storage:
  path: ${JSON.stringify(join(dir, 'inlet.db'))}
`,
    'health-test',
    {},
  );
  const raw: string[] = [];
  const logger = createLogger({ level: 'info', secrets: [SECRET], destination: { write: (line: string) => raw.push(line) } });
  const backends = await openBackends(null, config, logger);
  const manager = new ConnectorManager(null, config, { backends, logger, workerCount: 0, monitorIntervalMs: 100, claimWaitMs: 100 });
  await manager.startPolling();
  cleanup = async () => {
    await manager.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const lines = () => raw.map((line) => JSON.parse(line) as LogLine);
  const named = (message: string) => lines().filter((l) => l.message === message);
  return { manager, docs, raw, lines, named };
}

describe('a connector whose polls fail', () => {
  it('logs each failed poll, the breaker opening and closing once each, and is degraded in health before the breaker opens', async () => {
    const { manager, docs, raw, named } = await startFailingService();

    // Round one: the first poll and its two retries fail; the breaker (at 3 of 4 failures) stays closed.
    const [usedUp] = (await eventually('the retries used up', () => firstOf(named(USED_UP))))!;
    expect(usedUp).toMatchObject({ level: 'warn', connector: 'docs', attempts: 3, next_poll_in_ms: 60_000 });
    const retries = named('poll failed; retrying');
    expect(retries.map((l) => [l.level, l.connector, l.attempt, l.max_retries])).toEqual([
      ['warn', 'docs', 1, 2],
      ['warn', 'docs', 2, 2],
    ]);
    for (const retry of retries) {
      expect(retry.retry_in_ms).toEqual(expect.any(Number));
      expect(retry.retry_in_ms as number).toBeLessThanOrEqual(20 * 2 ** ((retry.attempt as number) - 1));
      expect(retry.error).toMatchObject({ type: 'Error', message: expect.stringContaining('ENOENT'), stack: expect.stringContaining('ENOENT') });
    }

    const before = await manager.health();
    expect(before.connectors[0]).toMatchObject({ status: 'idle', circuit_breaker: 'closed', stats: { last_sync: null, errors: 3 } });
    expect(before.status).toBe('degraded');
    expect(before.reasons).toContainEqual(expect.stringMatching(/^connector docs has never completed a sync: ENOENT/));
    expect(named('circuit breaker opened: polling paused')).toEqual([]);

    // Round two: the fourth failure opens the breaker.
    manager.connector('docs')!.pollNow();
    const [opened] = (await eventually('the breaker opened', () => firstOf(named('circuit breaker opened: polling paused'))))!;
    expect(opened).toMatchObject({ level: 'warn', connector: 'docs', failure_count: 4, failure_threshold: 4, probe_in_ms: 1000 });
    const open = await manager.health();
    expect(open.status).toBe('degraded');
    expect(open.reasons).toContain('circuit breaker of docs is open');

    // The folder appears: the half-open probe succeeds and the connector is back.
    mkdirSync(docs);
    writeFileSync(join(docs, 'back.md'), '# Back\n');
    await eventually('the connector recovered', () => named('connector recovered').length > 0, 10_000);
    await eventually('health says healthy', async () => (await manager.health()).status === 'healthy');

    expect(named('connector degraded: polling paused')).toEqual([expect.objectContaining({ level: 'warn', connector: 'docs', reason: 'circuit breaker open' })]);
    expect(named('circuit breaker opened: polling paused')).toHaveLength(1);
    expect(named('circuit breaker re-opened: the probe failed')).toEqual([]);
    expect(named('circuit breaker half-open: the next poll is the probe')).toEqual([expect.objectContaining({ level: 'info', connector: 'docs' })]);
    expect(named('circuit breaker closed')).toEqual([expect.objectContaining({ level: 'info', connector: 'docs', reset: false })]);
    expect(named('connector recovered')).toEqual([expect.objectContaining({ level: 'info', connector: 'docs', was: 'degraded' })]);
    expect(named('poll failed; retrying')).toHaveLength(2);
    expect(named(USED_UP)).toHaveLength(1);

    // The folder's name is a configured secret, and every error above named the folder: none of it reached the log.
    expect(raw.join('')).toContain('ENOENT');
    for (const line of raw) expect(line).not.toContain(SECRET);
  });
});
