import { type ChildProcess, fork } from 'node:child_process';
import type { Deadline } from './deadline.ts';

/** One phase of load against one URL. */
export interface LoadSpec {
  url: string;
  /** The request body, base64 (IPC messages are JSON). */
  bodyBase64: string;
  /** `X-Hub-Signature-256` of the body. */
  signature: string;
  /** `closed`: `concurrency` requests always in flight (maximum throughput). `open`: a fixed arrival rate. */
  mode: 'closed' | 'open';
  /** Closed loop: requests in flight. Open loop: most keep-alive connections opened. */
  concurrency: number;
  /** Stop issuing after this many requests. */
  maxRequests: number;
  /** Stop issuing after this long (ms); requests in flight still finish. */
  maxMs: number;
  /** Open loop: requests per second. */
  ratePerS: number;
}

/** What the load generator saw in one phase; latencies in ms, from the time each request was due. */
export interface LoadResult {
  issued: number;
  completed: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Requests that got no answer (connection errors). */
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  /** CPU of the load generator process, percent of one core: near 100 means the generator, not the server, set the pace. */
  generatorCpuPct: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/** The forked load generator (webhook-load-child.ts). */
export interface LoadGenerator {
  run(spec: LoadSpec, deadline: Deadline): Promise<LoadResult>;
  /** Ends the child; idempotent. */
  stop(): Promise<void>;
}

type Reply = { ok: true; result: LoadResult } | { ok: false; error: string };

/** Forks the load generator under tsx (as memory-bench runs its children). */
export function startLoadGenerator(): LoadGenerator {
  const child: ChildProcess = fork(new URL('./webhook-load-child.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  return {
    run: (spec, deadline) =>
      deadline.race(
        new Promise<LoadResult>((resolve, reject) => {
          const onExit = (code: number | null) => reject(new Error(`load generator exited (code ${code})`));
          child.once('exit', onExit);
          child.once('message', (reply: Reply) => {
            child.off('exit', onExit);
            if (reply.ok) resolve(reply.result);
            else reject(new Error(`load generator: ${reply.error}`));
          });
          child.send(spec);
        }),
        () => `load phase against ${spec.url} (${spec.mode} loop) still running`,
      ),
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.connected) child.disconnect();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      killOnExit();
    },
  };
}
