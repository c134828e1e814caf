// The long convergence run of issue 11 part 8: at least 200 random histories (edits, renames, deletes of local files
// and GitHub documents; webhooks lost, doubled and reordered; kill -9 of workers and of the serve process; Redis hung
// and restarted; an embedder with delays and 429s) against a real service, each judged against the sources' final
// state. Writes bench/results/convergence-<ISO time>.json and prints the shrunk history of every divergence.
//
//   npm run bench:convergence                      200 histories
//   INLET_CONVERGENCE_RUNS=20 npm run bench:convergence
//   INLET_CONVERGENCE_SEED=1234 ...                replays a whole run's histories (timing aside)
//   INLET_CONVERGENCE_SHRINK_MINUTES=15            longest shrinking of one divergence (default 15)
//
// The script builds dist/ first and runs the compiled `inlet` (INLET_TEST_CLI), which starts far faster than under tsx.
// 15 s per history on a quiet 2-core machine under tsx, about 30 s under load 12-16.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { checkConvergence } from '../test/support/convergence-check.ts';
import { startPrivateRedis } from '../test/support/convergence-redis.ts';
import { startFakeEmbeddingsServer } from '../test/support/fake-embeddings-server.ts';
import { startFakeGithub } from '../test/support/fake-github.ts';
import { machineInfo } from './machine-info.ts';

const runs = Number(process.env.INLET_CONVERGENCE_RUNS ?? 200);
const seed = process.env.INLET_CONVERGENCE_SEED === undefined ? Date.now() % 2_147_483_647 : Number(process.env.INLET_CONVERGENCE_SEED);
const machine = machineInfo();
const startedAt = Date.now();

const redis = await startPrivateRedis();
const github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: {} });
const embedder = await startFakeEmbeddingsServer();
const seconds: number[] = [];
try {
  console.log(`convergence: ${runs} histories, seed ${seed}, against ${redis.label}`);
  const figures = await checkConvergence(
    { redis, github, embedder, workers: 2, convergeTimeoutMs: 90_000 },
    {
      runs,
      seed,
      shrinkBudgetMs: Number(process.env.INLET_CONVERGENCE_SHRINK_MINUTES ?? 15) * 60_000,
      onHistory(index, took, diverged) {
        if (took !== undefined) seconds.push(took);
        console.log(`history ${index}/${runs}: ${diverged ? 'DIVERGED (shrinking)' : `converged in ${took?.toFixed(1)} s`}`);
      },
    },
  );
  for (const failure of figures.failures) console.error(`\n${failure.message}\n`);
  const sorted = [...seconds].sort((a, b) => a - b);
  const report = {
    machine: { ...machine, load_avg_at_end: loadavg().map((l) => Math.round(l * 100) / 100) },
    seed,
    redis: redis.label,
    'convergence.histories': figures.histories,
    'convergence.divergences': figures.divergences,
    'convergence.max_seconds_to_converge': Math.round(figures.maxSecondsToConverge * 10) / 10,
    'convergence.median_seconds_to_converge': sorted.length ? Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10 : null,
    divergences: figures.failures.map((f) => ({ history: f.steps, differences: f.divergences.filter((d) => !d.startsWith('logs of')) })),
    total_seconds: Math.round((Date.now() - startedAt) / 1000),
  };
  const folder = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `convergence-${new Date(startedAt).toISOString().replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `convergence.histories ${report['convergence.histories']}, convergence.divergences ${report['convergence.divergences']}, ` +
      `convergence.max_seconds_to_converge ${report['convergence.max_seconds_to_converge']} (target: 0 divergences)\nwritten: ${file}`,
  );
  process.exitCode = figures.divergences === 0 ? 0 : 1;
} finally {
  await embedder.close();
  await github.close();
  await redis.close();
}
