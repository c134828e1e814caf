import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** A real `inlet` process started as `npm start` starts it (`node --import tsx src/cli.ts`), with its output collected. */
export interface InletProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

const ROOT = resolve(import.meta.dirname, '../..');

/** Starts `inlet <args>` with `env` added to a minimal environment (no REDIS_URL leaks in from the test run). */
export function runInlet(args: string[], env: Record<string, string> = {}): InletProcess {
  // INLET_TEST_CLI=dist/cli.js runs the compiled command instead (`npm run build` first): the long convergence run starts
  // three processes per history, and tsx's start-up is most of a history's time on a loaded machine.
  const compiled = process.env.INLET_TEST_CLI;
  const entry = compiled ? [resolve(ROOT, compiled)] : ['--import', 'tsx', resolve(ROOT, 'src/cli.ts')];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}
