import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConvergence } from '../../support/convergence-check.ts';
import { type ConvergenceRedisTarget, startPrivateRedis } from '../../support/convergence-redis.ts';
import type { ConvergenceEnvironment } from '../../support/convergence-run.ts';
import { type FakeEmbeddingsServer, startFakeEmbeddingsServer } from '../../support/fake-embeddings-server.ts';
import { type FakeGithub, startFakeGithub } from '../../support/fake-github.ts';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) console.warn('!!! SKIPPING the convergence test: redis-server is not on the PATH');

// About 25 s a history on a loaded 2-core machine: 4 keep the file within 2-3 minutes. The long run is
// `npm run bench:convergence` (200 or more).
const RUNS = Number(process.env.INLET_CONVERGENCE_RUNS ?? 4);
const SEED = process.env.INLET_CONVERGENCE_SEED === undefined ? undefined : Number(process.env.INLET_CONVERGENCE_SEED);

let redis: ConvergenceRedisTarget | undefined;
let github: FakeGithub | undefined;
let embedder: FakeEmbeddingsServer | undefined;
beforeAll(async () => {
  if (!hasRedisServer) return;
  redis = await startPrivateRedis();
  github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: {} });
  embedder = await startFakeEmbeddingsServer();
});
afterAll(async () => {
  await embedder?.close();
  await github?.close();
  await redis?.close();
});

describe.skipIf(!hasRedisServer && process.env.INLET_REQUIRE_REDIS !== '1')('convergence (issue 11 part 8)', () => {
  it(
    `random histories of edits, renames, deletes, lost and reordered webhooks, kill -9, Redis pauses and restarts, and a rate-limited embedder end with the stores equal to the sources (${RUNS} histories)`,
    async () => {
      const env: ConvergenceEnvironment = { redis: redis!, github: github!, embedder: embedder!, workers: 2, convergeTimeoutMs: 60_000 };
      const figures = await checkConvergence(env, { runs: RUNS, seed: SEED, shrink: process.env.INLET_CONVERGENCE_SHRINK !== '0' });
      // A divergence's message holds the shrunk history as JSON: paste it into runHistory() in a regression test.
      for (const failure of figures.failures) console.error(failure.message);
      expect(figures.failures.map((f) => f.message)).toEqual([]);
      expect(figures.histories).toBe(RUNS);
    },
    // Generous: a failing history is shrunk, which re-runs it many times; a passing run takes a few minutes at most.
    RUNS * 90_000 + 600_000,
  );
});
