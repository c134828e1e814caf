import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConvergence, runHistory } from './convergence-check.ts';
import type { HistoryStep } from './convergence-history.ts';
import type { ConvergenceRedisTarget } from './convergence-redis.ts';
import type { ConvergenceEnvironment } from './convergence-run.ts';
import { startFakeEmbeddingsServer } from './fake-embeddings-server.ts';
import { startFakeGithub } from './fake-github.ts';

/** Options of a convergence suite: which Redis, how many histories, which shrunk histories to replay. */
export interface ConvergenceSuiteOptions {
  /** Names the Redis in the test titles: `on a private Redis`, `on a Redis Cluster`. */
  name: string;
  /** Starts (or points at) the Redis the service runs on; closed after the suite. Pauses and restarts only if it offers them. */
  startRedis(): Promise<ConvergenceRedisTarget>;
  /** Random histories (INLET_CONVERGENCE_RUNS overrides). */
  runs: number;
  /**
   * The fast-check seed of `npm test` (INLET_CONVERGENCE_SEED overrides). Fixed, so a red CI replays on any clone with
   * the same histories; new seeds are explored by `npm run bench:convergence`, and what it finds comes back here as a
   * regression.
   */
  seed: number;
  /** Histories a divergence once printed, replayed as they are: each must converge. */
  regressions?: Record<string, HistoryStep[]>;
  /** Skip the suite (its Redis is not there), with the reason printed. */
  skip?: string;
}

/** Longest shrinking of a divergence inside the test suite; the bench allows more. */
const SHRINK_BUDGET_MS = 8 * 60_000;

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

/**
 * Declares the convergence tests of issue 11 part 8 for one Redis: the random histories, then each regression.
 * Redis, the fake GitHub and the fake embedder start once for the file; every history starts its own inlet processes.
 */
export function convergenceSuite(options: ConvergenceSuiteOptions): void {
  const runs = Number(process.env.INLET_CONVERGENCE_RUNS ?? options.runs);
  const seed = process.env.INLET_CONVERGENCE_SEED === undefined ? options.seed : Number(process.env.INLET_CONVERGENCE_SEED);
  const skip = options.skip ?? (hasRedisServer ? undefined : 'redis-server is not on the PATH');
  if (skip) console.warn(`!!! SKIPPING the convergence test ${options.name}: ${skip}`);
  let env: ConvergenceEnvironment | undefined;
  const closers: (() => Promise<void>)[] = [];

  describe.skipIf(skip !== undefined && process.env.INLET_REQUIRE_REDIS !== '1')(`convergence ${options.name} (issue 11 part 8)`, () => {
    beforeAll(async () => {
      const redis = await options.startRedis();
      closers.push(() => redis.close());
      const github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: {} });
      closers.push(() => github.close());
      const embedder = await startFakeEmbeddingsServer();
      closers.push(() => embedder.close());
      env = { redis, github, embedder, workers: 2, convergeTimeoutMs: 90_000 };
    });
    afterAll(async () => {
      for (const close of closers.reverse()) await close();
    });

    const faults = 'edits, renames, deletes, lost, doubled and reordered webhooks, kill -9 of any process, an embedder with delays and 429s';
    it(
      `after random histories (${runs}, seed ${seed}) of ${faults}, the graph and vector stores hold exactly the sources' final documents`,
      async () => {
        const figures = await checkConvergence(env!, { runs, seed, shrink: process.env.INLET_CONVERGENCE_SHRINK !== '0', shrinkBudgetMs: SHRINK_BUDGET_MS });
        // Each message holds the shrunk history as JSON: add it to `regressions` to replay it for good.
        expect(figures.failures.map((f) => f.message)).toEqual([]);
        expect(figures.histories).toBe(runs);
      },
      // A failing history is shrunk, which re-runs it many times: the bound leaves room for that, not for passing runs.
      runs * 90_000 + SHRINK_BUDGET_MS + 120_000,
    );

    for (const [name, steps] of Object.entries(options.regressions ?? {})) {
      it(`converges after ${name}`, async () => {
        await runHistory(env!, steps);
      }, 120_000);
    }
  });
}
