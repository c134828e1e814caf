import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deadline } from './deadline.ts';
import type { MemorySample } from './memory-sample.ts';

/** Resident memory of the service and of the baselines it is compared with, each in a fresh process. */
export interface MemoryResult {
  /** Bare `node` running nothing: the floor no Node service goes under. */
  bareNode: MemorySample;
  /** `node --import tsx` running nothing: inlet runs through tsx (`npm start`), whose loader thread costs this much. */
  tsxOnly: MemorySample;
  /** A one-middleware Koa app listening, under tsx. */
  bareKoa: MemorySample;
  /** The idle service under tsx: ConnectorManager (local connector on an empty folder) + HTTP API. */
  idle: MemorySample;
  /** The same process with 10,000 ~5 KB events waiting in the queue (no workers). */
  queued: MemorySample;
  queueBackend: string;
  queuedEvents: number;
  avgContentBytes: number;
}

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);

function runNode(args: string[], deadline: Deadline): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timeout = Math.max(1000, Math.floor(deadline.remainingMs()));
    execFile(process.execPath, args, { cwd: repoRoot, timeout, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`node ${args.join(' ')} failed (${error.killed ? `killed after ${timeout} ms` : error.message}): ${stderr.trim().slice(-500)}`));
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`node ${args.join(' ')} printed no JSON: ${JSON.stringify(stdout.slice(-300))}`));
      }
    });
  });
}

// The bare baseline must not load memory-sample.ts (that would need tsx), so it repeats its three steps inline.
const BARE_NODE = `setTimeout(() => { gc(); gc(); setTimeout(() => { const u = process.memoryUsage(); const mb = (b) => Math.round(b / 104857.6) / 10;
  console.log(JSON.stringify({ idle: { rssMb: mb(u.rss), heapTotalMb: mb(u.heapTotal), heapUsedMb: mb(u.heapUsed), externalMb: mb(u.external), afterGc: true } })); }, 200); }, 3000);`;

/** Spawns one process per configuration, sequentially so they do not compete for the two cores. */
export async function benchMemory(deadline: Deadline): Promise<MemoryResult> {
  const child = (mode: string) => runNode(['--expose-gc', '--import', 'tsx', `${benchDir}/memory-child.ts`, mode], deadline);
  const bareNode = ((await runNode(['--expose-gc', '-e', BARE_NODE], deadline)) as { idle: MemorySample }).idle;
  const tsxOnly = ((await child('tsx-only')) as { idle: MemorySample }).idle;
  const bareKoa = ((await child('koa')) as { idle: MemorySample }).idle;
  const service = (await child('service')) as Omit<MemoryResult, 'bareNode' | 'tsxOnly' | 'bareKoa'>;
  return { bareNode, tsxOnly, bareKoa, ...service };
}
