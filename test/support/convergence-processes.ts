import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessName } from './convergence-history.ts';
import { type InletProcess, runInlet } from './run-inlet.ts';

/** What the inlet.yaml of one history points at. */
export interface HistoryConfig {
  /** Temporary folder of the history: config files, docs folder, SQLite file. */
  dir: string;
  docs: string;
  port: number;
  redisUrl: string;
  redisYaml: string[];
  queueName: string;
  githubUrl: string;
  webhookSecret: string;
  embedderUrl: string;
}

/**
 * The inlet.yaml of a history; `workers` is the process's `worker.count` (0 for the serve process). Short leases and
 * retry delays keep a killed worker's events from waiting a minute; both deletion guards are off (share 1), because a
 * history may legitimately delete every document while the serve process is down.
 */
function configYaml(c: HistoryConfig, workers: number): string {
  const q = JSON.stringify;
  return `connectors:
  docs:
    kind: local
    poll_interval_seconds: 5
    backoff_base_seconds: 0.1
    circuit_breaker_timeout_seconds: 1
    metadata: { path: ${q(c.docs)}, max_deletion_share: 1 }
  github:
    kind: github
    poll_interval_seconds: 3600
    backoff_base_seconds: 0.1
    circuit_breaker_timeout_seconds: 1
    webhook_secret: ${q(c.webhookSecret)}
    metadata: { owner: octo, repo: handbook, docs_path: docs, api_url: ${q(c.githubUrl)}, max_deletion_share: 1 }
redis:
  url: ${q(c.redisUrl)}
${c.redisYaml.map((line) => `  ${line}`).join('\n')}
queue:
  name: ${q(c.queueName)}
  lease_seconds: 5
  retry_base_seconds: 0.2
storage: { path: ${q(join(c.dir, 'inlet.db'))} }
embedder: { kind: openai, url: ${q(`${c.embedderUrl}/v1`)}, model: fake-embedding, batch_size: 16 }
worker: { count: ${workers}, batch_size: 10 }
server: { port: ${c.port}, host: 127.0.0.1 }
log: { level: info }
`;
}

/** The inlet processes of one history: `inlet serve` with no workers of its own, and `inlet worker` processes. */
export class InletProcesses {
  private readonly running = new Map<ProcessName, InletProcess>();
  private readonly finishedOutput: string[] = [];
  private readonly files: { serve: string; worker: string };

  constructor(
    readonly config: HistoryConfig,
    readonly workerCount: number,
  ) {
    this.files = { serve: join(config.dir, 'serve.yaml'), worker: join(config.dir, 'worker.yaml') };
    writeFileSync(this.files.serve, configYaml(config, 0));
    writeFileSync(this.files.worker, configYaml(config, 1));
  }

  /** Base URL of the serve process's API. */
  get url(): string {
    return `http://127.0.0.1:${this.config.port}`;
  }

  get names(): ProcessName[] {
    return ['serve', ...Array.from({ length: this.workerCount }, (_, i) => `worker${i}` as const)];
  }

  isRunning(name: ProcessName): boolean {
    return this.running.has(name);
  }

  /** Starts the process unless it runs; does not wait for it to be ready (a kill may land during its start-up). */
  start(name: ProcessName): void {
    if (this.running.has(name)) return;
    const serve = name === 'serve';
    const inlet = runInlet([serve ? 'serve' : 'worker', '--config', serve ? this.files.serve : this.files.worker]);
    this.running.set(name, inlet);
    void inlet.exited.then((code) => {
      this.finishedOutput.push(`--- ${name} exited (${code ?? inlet.child.signalCode}):\n${tail(inlet.output())}`);
      if (this.running.get(name) === inlet) this.running.delete(name);
    });
  }

  /** `kill -9`, and waits until the process is gone. */
  async kill(name: ProcessName): Promise<void> {
    const inlet = this.running.get(name);
    if (!inlet) return;
    this.running.delete(name);
    inlet.child.kill('SIGKILL');
    await inlet.exited;
  }

  /**
   * Starts every process not running and waits until the API answers health. The bound is generous: on a 2-core
   * machine shared with other test runs (load 15 was seen), tsx's start-up alone took over 30 s.
   */
  async startAll(timeoutMs = 90_000): Promise<void> {
    for (const name of this.names) this.start(name);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const response = await fetch(`${this.url}/webhooks/health`, { signal: AbortSignal.timeout(2000) });
        await response.body?.cancel();
        return;
      } catch (error) {
        if (!this.running.has('serve')) this.start('serve'); // it died on its own: its output is in the log
        if (Date.now() > deadline) throw new Error(`inlet serve did not answer within ${timeoutMs} ms: ${String(error)}\n${this.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.kill(name)));
  }

  /** The last lines each process wrote, for a divergence report. */
  output(): string {
    const live = [...this.running].map(([name, inlet]) => `--- ${name} (running):\n${tail(inlet.output())}`);
    return [...this.finishedOutput, ...live].join('\n');
  }
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
