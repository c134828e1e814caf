import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deadline } from './deadline.ts';

/** The compiled runtime (`npm run build`, `node dist/cli.js`) beside the same service under tsx, as operators run them. */
export interface CompiledResult {
  /** RSS (MB) of `node dist/cli.js serve`, idle, from /proc after health answered and the process settled. */
  idleRssCompiledMb: number;
  /** The same, for `node --import tsx src/cli.ts serve` (what `npm start` runs). */
  idleRssTsxMb: number;
  /** Median wall time (ms) of `node dist/cli.js health` answering, start to exit. */
  cliOperationMs: number;
  /** Median wall time (ms) of `node --import tsx src/cli.ts health`. */
  cliOperationTsxMs: number;
  /** Median wall time (ms) of a bare `node -e "fetch(health)"`: the floor any Node CLI pays. */
  bareNodeFetchMs: number;
  runs: number;
}

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
/** How long the service idles after health answered before its RSS is read. */
const SETTLE_MS = 3000;
const CLI_RUNS = 7;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(file: string, args: string[], deadline: Deadline, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: repoRoot, env, timeout: Math.max(1000, Math.floor(deadline.remainingMs())), encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.join(' ')}: ${error.message} ${stderr.slice(-300)}`)) : resolve(stdout),
    );
  });
}

async function timed(file: string, args: string[], deadline: Deadline, env?: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  await run(file, args, deadline, env);
  return performance.now() - started;
}

function rssMb(pid: number): number {
  // procfs, the kernel's view of the process: what `ps` and operators see as RSS.
  const line = readFileSync(join('/proc', String(pid), 'status'), 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Math.round(Number.parseInt(line.replace(/\D+/g, ''), 10) / 102.4) / 10;
}

async function waitForHealth(url: string, child: ChildProcess, deadline: Deadline): Promise<void> {
  while (deadline.remainingMs() > 0) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer in time`);
}

/** Starts a service with `command`, waits for health and the settle time, reads its RSS, stops it with SIGTERM. */
async function idleService(command: string[], config: string, port: number, deadline: Deadline): Promise<number> {
  const child = spawn(process.execPath, [...command, 'serve', '--config', config], { cwd: repoRoot, stdio: 'ignore' });
  try {
    await waitForHealth(`http://127.0.0.1:${port}/webhooks/health`, child, deadline);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return rssMb(child.pid!);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** Builds dist/, then measures both runtimes' idle RSS and the CLI's time to answer `inlet health`. */
export async function benchCompiled(deadline: Deadline): Promise<CompiledResult> {
  await run('npm', ['run', 'build', '--silent'], deadline);
  const dir = mkdtempSync(join(tmpdir(), 'inlet-bench-compiled-'));
  try {
    mkdirSync(join(dir, 'docs'));
    const port = await freePort();
    const config = join(dir, 'inlet.yaml');
    writeFileSync(
      config,
      [
        'connectors:',
        '  docs:',
        '    kind: local',
        `    metadata: { path: ${JSON.stringify(join(dir, 'docs'))} }`,
        `storage: { path: ${JSON.stringify(join(dir, 'inlet.db'))} }`,
        `server: { port: ${port}, host: 127.0.0.1 }`,
        '',
      ].join('\n'),
    );
    const compiled = [join(repoRoot, 'dist/cli.js')];
    const tsx = ['--import', 'tsx', join(repoRoot, 'src/cli.ts')];
    const idleRssTsxMb = await idleService(tsx, config, port, deadline);
    const idleRssCompiledMb = await idleService(compiled, config, port, deadline);

    // The CLI is timed against a running compiled service, so every run gets a real answer.
    const service = spawn(process.execPath, [...compiled, 'serve', '--config', config], { cwd: repoRoot, stdio: 'ignore' });
    try {
      const health = `http://127.0.0.1:${port}/webhooks/health`;
      await waitForHealth(health, service, deadline);
      const times = { compiled: [] as number[], tsx: [] as number[], bare: [] as number[] };
      for (let i = 0; i < CLI_RUNS; i++) {
        times.compiled.push(await timed(process.execPath, [...compiled, 'health', '--config', config], deadline));
        times.tsx.push(await timed(process.execPath, [...tsx, 'health', '--config', config], deadline));
        times.bare.push(await timed(process.execPath, ['-e', `fetch(${JSON.stringify(health)}).then(r => r.text()).then(t => console.log(t))`], deadline));
      }
      return {
        idleRssCompiledMb,
        idleRssTsxMb,
        cliOperationMs: Math.round(median(times.compiled)),
        cliOperationTsxMs: Math.round(median(times.tsx)),
        bareNodeFetchMs: Math.round(median(times.bare)),
        runs: CLI_RUNS,
      };
    } finally {
      const exited = new Promise((resolve) => service.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
