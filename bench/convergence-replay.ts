// Replays one printed convergence history (issue 11 part 8) against a fresh service and says whether it converged:
//
//   npx tsx bench/convergence-replay.ts '[{"op":"localWrite","file":1,"sections":1}, ...]'
//   npx tsx bench/convergence-replay.ts history.json [times]
//
// `times` (default 1) runs it again and again: a history whose divergence depends on timing may need several tries.
import { existsSync, readFileSync } from 'node:fs';
import type { HistoryStep } from '../test/support/convergence-history.ts';
import { DivergenceError, runHistory } from '../test/support/convergence-check.ts';
import { startPrivateRedis } from '../test/support/convergence-redis.ts';
import { startFakeEmbeddingsServer } from '../test/support/fake-embeddings-server.ts';
import { startFakeGithub } from '../test/support/fake-github.ts';

const [argument = '', times = '1'] = process.argv.slice(2);
const steps = JSON.parse(existsSync(argument) ? readFileSync(argument, 'utf8') : argument) as HistoryStep[];
const redis = await startPrivateRedis();
const github = await startFakeGithub({ owner: 'octo', repo: 'handbook', files: {} });
const embedder = await startFakeEmbeddingsServer();
let diverged = 0;
try {
  for (let i = 1; i <= Number(times); i++) {
    try {
      const seconds = await runHistory({ redis, github, embedder, workers: 2, convergeTimeoutMs: 90_000 }, steps);
      console.log(`run ${i}: converged in ${seconds.toFixed(1)} s`);
    } catch (error) {
      if (!(error instanceof DivergenceError)) throw error;
      diverged++;
      console.log(`run ${i}: DIVERGED\n${error.message}`);
    }
  }
} finally {
  await embedder.close();
  await github.close();
  await redis.close();
}
process.exitCode = diverged === 0 ? 0 : 1;
