import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { redisQueueKeys } from '../../src/actors/queue/redis-queue.ts';
import type { FakeEmbeddingsServer } from './fake-embeddings-server.ts';
import type { FakeGithub } from './fake-github.ts';
import { githubPathOf, type HistoryStep, localPathOf, SourceModel } from './convergence-history.ts';
import { InletProcesses } from './convergence-processes.ts';
import type { ConvergenceRedisTarget } from './convergence-redis.ts';
import { storeDifferences } from './convergence-stores.ts';
import { WebhookCourier } from './convergence-webhooks.ts';
import { freePort } from './free-port.ts';

/** What one test file (or bench run) starts once and shares between its histories. */
export interface ConvergenceEnvironment {
  redis: ConvergenceRedisTarget;
  github: FakeGithub;
  embedder: FakeEmbeddingsServer;
  /** Worker processes per history. */
  workers: number;
  /** Longest wait for a history to converge once its last step ran, ms. */
  convergeTimeoutMs: number;
}

/** How a history ended. */
export interface HistoryOutcome {
  /** Empty when the stores hold exactly the sources' final state. */
  divergences: string[];
  /** From the final hand-over (all processes up, polls asked for) to convergence; the bound when it did not converge. */
  secondsToConverge: number;
}

const WEBHOOK_SECRET = 'convergence-webhook-secret';
const GITHUB_SEED = { [githubPathOf(0)]: '# Seed zero\n\nIn the repository from the start.\n', [githubPathOf(1)]: '# Seed one\n\nAlso there from the start.\n' };
const LOCAL_SEED = { [localPathOf(0)]: '# Local seed\n\nIn the folder from the start.\n' };

/** Connector stats the hand-over reads from health. */
interface ConnectorView {
  name: string;
  status: string;
  stats: { last_sync?: string | null; webhooks_buffered?: number };
}

/**
 * One history against a real service: its own temporary folder, SQLite file and queue name, the serve process and the
 * worker processes, fed by the shared Redis, fake GitHub and fake embedder. `apply` runs a step on the sources and the
 * service and keeps the reference model in step; `settle` hands the final state over and judges the stores.
 */
export class HistoryRun {
  readonly model = new SourceModel(GITHUB_SEED);
  private readonly pauses: Promise<void>[] = [];
  private readonly courier: WebhookCourier;
  private readonly probe: Redis | Cluster;

  private constructor(
    private readonly env: ConvergenceEnvironment,
    private readonly dir: string,
    private readonly docs: string,
    readonly processes: InletProcesses,
  ) {
    this.courier = new WebhookCourier(WEBHOOK_SECRET, () => processes.url);
    this.probe = env.redis.connect();
    this.probe.on('error', () => undefined);
  }

  /** Resets the fake GitHub and the embedder to the seed, and starts the service on a fresh folder and queue. */
  static async start(env: ConvergenceEnvironment): Promise<HistoryRun> {
    const dir = mkdtempSync(join(tmpdir(), 'inlet-convergence-'));
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    env.github.forcePush(GITHUB_SEED);
    env.embedder.setChaos();
    const processes = new InletProcesses(
      {
        dir,
        docs,
        port: await freePort(),
        redisUrl: env.redis.url,
        redisYaml: env.redis.redisYaml ?? [],
        queueName: `convergence:${randomUUID()}:ingestion:queue`,
        githubUrl: env.github.url,
        webhookSecret: WEBHOOK_SECRET,
        embedderUrl: env.embedder.url,
      },
      env.workers,
    );
    const run = new HistoryRun(env, dir, docs, processes);
    for (const [path, content] of Object.entries(LOCAL_SEED)) run.writeLocal(path, content);
    try {
      await processes.startAll();
    } catch (error) {
      const redis = await run.redisAnswer();
      await run.close();
      throw new Error(`${(error as Error).message}\nRedis at ${env.redis.url}: ${redis}`);
    }
    return run;
  }

  /** Runs one step on both sides: the real sources and service, and the model. */
  async apply(step: HistoryStep): Promise<void> {
    const { model, env, processes } = this;
    switch (step.op) {
      case 'localWrite': {
        const path = localPathOf(step.file);
        this.writeLocal(path, model.freshContent(path, step.sections));
        return;
      }
      case 'localDelete': {
        const path = localPathOf(step.file);
        if (!model.local.has(path)) return;
        rmSync(join(this.docs, path));
        model.local.delete(path);
        return;
      }
      case 'localRename': {
        const [from, to] = [localPathOf(step.from), localPathOf(step.to)];
        const content = model.local.get(from);
        if (from === to || content === undefined) return;
        renameSync(join(this.docs, from), join(this.docs, to));
        model.local.delete(from);
        model.local.set(to, content);
        return;
      }
      case 'githubPush': {
        const changes: Record<string, string | null> = {};
        const files = { added: [] as string[], removed: [] as string[], modified: [] as string[] };
        for (const n of step.writes) {
          const path = githubPathOf(n);
          changes[path] = model.freshContent(path, 1 + (n % 3));
          (model.github.has(path) ? files.modified : files.added).push(path);
        }
        for (const n of step.deletes) {
          const path = githubPathOf(n);
          if (path in changes || !model.github.has(path)) continue;
          changes[path] = null;
          files.removed.push(path);
        }
        if (Object.keys(changes).length === 0) return;
        const before = env.github.headOf();
        const after = env.github.commit(changes);
        for (const [path, content] of Object.entries(changes)) {
          if (content === null) model.github.delete(path);
          else model.github.set(path, content);
        }
        await this.courier.push(before, after, files, step.webhook);
        return;
      }
      case 'githubRename': {
        const [from, to] = [githubPathOf(step.from), githubPathOf(step.to)];
        const content = model.github.get(from);
        if (from === to || content === undefined) return;
        const before = env.github.headOf();
        const after = env.github.rename(from, to);
        const replaced = model.github.has(to);
        model.github.delete(from);
        model.github.set(to, content);
        await this.courier.push(before, after, { added: replaced ? [] : [to], removed: [from], modified: replaced ? [to] : [] }, step.webhook);
        return;
      }
      case 'deliverDeferred':
        return this.courier.deliverDeferred();
      case 'kill':
        return processes.kill(step.process);
      case 'start':
        return processes.start(step.process);
      case 'pauseRedis':
        if (env.redis.pause) this.pauses.push(env.redis.pause(step.seconds));
        return;
      case 'restartRedis':
        return env.redis.restart?.();
      case 'embedder':
        env.embedder.setChaos({ maxDelayMs: step.maxDelayMs, rateLimitShare: step.rateLimitShare });
        return;
      case 'wait':
        await new Promise((resolve) => setTimeout(resolve, step.ms));
        return;
    }
  }

  /**
   * Hands the final state over and waits for convergence: every process running again, the held-back webhooks
   * delivered, a poll of each connector asked for and finished after that, the queue drained (nothing ready, leased,
   * delayed or with a payload left), no dead letter, and the stores equal to the model.
   */
  async settle(): Promise<HistoryOutcome> {
    await Promise.all(this.pauses);
    try {
      await this.processes.startAll();
    } catch (error) {
      throw new Error(`${(error as Error).message}\nRedis at ${this.env.redis.url}: ${await this.redisAnswer()}`);
    }
    await this.courier.deliverDeferred();
    const askedAt = new Date().toISOString();
    const started = Date.now();
    for (const name of ['docs', 'github']) await this.post(`/connectors/${name}/poll`);
    const expected = this.model.expectedDocuments();
    const deadline = started + this.env.convergeTimeoutMs;
    let last: string[] = [];
    for (;;) {
      last = await this.differences(expected, askedAt);
      if (last.length === 0) return { divergences: [], secondsToConverge: (Date.now() - started) / 1000 };
      if (last.some((line) => line.startsWith('dead letter')) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return { divergences: [...last, `logs of the inlet processes:\n${this.processes.output()}`], secondsToConverge: (Date.now() - started) / 1000 };
  }

  async close(): Promise<void> {
    await Promise.all(this.pauses);
    await this.processes.stopAll();
    this.probe.disconnect();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** What Redis answers a PING with, or why it does not, for error reports. */
  private async redisAnswer(): Promise<string> {
    try {
      return await Promise.race([this.probe.ping(), new Promise<string>((resolve) => setTimeout(() => resolve('no answer within 2 s'), 2000))]);
    } catch (error) {
      return String(error);
    }
  }

  private writeLocal(path: string, content: string): void {
    writeFileSync(join(this.docs, path), content);
    this.model.local.set(path, content);
  }

  private async post(path: string): Promise<void> {
    const response = await fetch(`${this.processes.url}${path}`, { method: 'POST', signal: AbortSignal.timeout(5000) });
    await response.body?.cancel();
    if (response.status !== 202) throw new Error(`POST ${path} answered ${response.status}`);
  }

  /** Everything that still differs from a converged service; the cheap checks first. */
  private async differences(expected: Map<string, string>, askedAt: string): Promise<string[]> {
    const problems: string[] = [];
    try {
      const health = (await (await fetch(`${this.processes.url}/webhooks/health`, { signal: AbortSignal.timeout(5000) })).json()) as { connectors: ConnectorView[] };
      for (const c of health.connectors) {
        const synced = c.stats.last_sync ?? '';
        if (c.status !== 'idle' || synced < askedAt || (c.stats.webhooks_buffered ?? 0) > 0) {
          problems.push(`connector ${c.name}: ${c.status}, last sync ${synced || 'never'} (hand-over asked ${askedAt}), ${c.stats.webhooks_buffered ?? 0} webhooks buffered`);
        }
      }
      const dead = (await (await fetch(`${this.processes.url}/queue/dead-letters`, { signal: AbortSignal.timeout(5000) })).json()) as { dead_letters: { entry: string; reason: string }[] };
      for (const letter of dead.dead_letters) problems.push(`dead letter: ${letter.reason}: ${letter.entry.slice(0, 200)}`);
    } catch (error) {
      problems.push(`the serve process does not answer: ${String(error)}`);
    }
    const keys = redisQueueKeys(this.processes.config.queueName);
    try {
      const [ready, handoff, leases, delayed, payloads] = await Promise.all([
        this.probe.llen(keys.ready),
        this.probe.llen(keys.handoff),
        this.probe.zcard(keys.leases),
        this.probe.zcard(keys.delayed),
        this.probe.hlen(keys.payloads),
      ]);
      if (ready + handoff + leases + delayed + payloads > 0) {
        problems.push(`queue not drained: ${ready} ready, ${handoff} handed off, ${leases} leased, ${delayed} delayed, ${payloads} payloads`);
      }
    } catch (error) {
      problems.push(`queue unreadable: ${String(error)}`);
    }
    try {
      problems.push(...storeDifferences(join(this.dir, 'inlet.db'), expected));
    } catch (error) {
      problems.push(`stores unreadable: ${String(error)}`);
    }
    return problems;
  }
}
