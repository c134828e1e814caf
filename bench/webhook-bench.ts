import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { RedisClient } from '../src/actors/queue/redis-script.ts';
import { silentLogger } from '../src/actors/log/logger.ts';
import { connectRedis } from '../src/actors/system/connect-redis.ts';
import { ConnectorManager } from '../src/actors/system/connector-manager.ts';
import { createApp } from '../src/http/create-app.ts';
import { type FakeGithub, startFakeGithub } from '../test/support/fake-github.ts';
import { createBareWebhookApp } from './bare-webhook-app.ts';
import { createBenchConfig } from './bench-config.ts';
import { type CpuShare, startCpuMeter } from './cpu-meter.ts';
import type { Deadline } from './deadline.ts';
import { signedGithubPush } from './github-push-payload.ts';
import { markdownPage } from './markdown-events.ts';
import type { PrivateRedis } from './redis-server.ts';
import { createTempDir } from './temp-dir.ts';
import { type LoadResult, type LoadSpec, startLoadGenerator } from './webhook-load.ts';

/** Shape of the webhook benchmark. */
export interface WebhookShape {
  /** Requests in flight in the maximum-throughput phase. */
  concurrency: number;
  /** Alternating maximum-throughput rounds (bare, inlet, bare, inlet, ...); the round with the median ratio gives the figures. */
  rounds: number;
  /** Alternating fixed-rate rounds (inlet, bare, ...); each endpoint's median p99 is its figure. */
  fixedRateRounds: number;
  /** Requests per endpoint in each maximum-throughput phase (fewer if `phaseMaxMs` runs out first). */
  requestsPerPhase: number;
  /** Time cap of each maximum-throughput phase (ms). */
  phaseMaxMs: number;
  /** Untimed requests per endpoint first, so both run JIT-compiled code. */
  warmupRequests: number;
  /** Length of each fixed-rate phase (ms). */
  fixedRateMs: number;
  /** The fixed rate as a share of inlet's measured maximum. */
  fixedRateShare: number;
  /** Smallest body (bytes). */
  payloadBytes: number;
}

/** A load phase as the client saw it, plus this process's event-loop delay (ms) while it ran (servers' side). */
export type PhaseResult = LoadResult & { loopDelayP99Ms: number; loopDelayMaxMs: number };

/** Index of the median of `values` (the lower middle one for an even count). */
function medianIndex(values: number[]): number {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  return order[Math.floor((order.length - 1) / 2)][1];
}

/** Outcome of the webhook benchmark. */
export interface WebhookBenchResult {
  payloadBytes: number;
  payloadCommits: number;
  bare: PhaseResult & { answersPerS: number; cpu: CpuShare };
  inlet: PhaseResult & { acceptedPerS: number; cpu: CpuShare };
  /** Answers per second of each round (inlet: 202s), in order. */
  roundsPerS: { bare: number[]; inlet: number[] };
  /** inlet / bare of each round. */
  roundRatios: number[];
  /** p99 of each fixed-rate round (ms). */
  fixedRateRoundsP99Ms: { inlet: (number | null)[]; bare: (number | null)[] };
  /** The fixed-rate round with inlet's median p99. */
  fixedRate: PhaseResult & { ratePerS: number; acceptedPerS: number };
  /** The bare endpoint at the same fixed rate (its median-p99 round): the latency this machine gives any Koa receiver at that rate. */
  bareFixedRate: PhaseResult;
  /** 202 answers from inlet over every phase (warm-up included). */
  inletAccepted: number;
  /** Delivery ids the delivery log holds in Redis for the connector (SCAN). */
  recordedDeliveries: number;
  /** `webhooks_received` of the connector in `manager.health()`. */
  connectorReceived: number;
  /** Requests the fake GitHub served during the load: the polls the webhooks triggered. */
  githubRequestsDuringLoad: number;
}

const OWNER = 'octo';
const REPO = 'handbook';
const CONNECTOR = 'github';
const SECRET = 'bench-webhook-secret-0123456789';

function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  // Longer than any pause between phases, so the load generator's keep-alive connections are not closed under it.
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

function close(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function countKeys(client: Redis, match: string): Promise<number> {
  let count = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

/**
 * Signed GitHub push deliveries (~7 KB) against inlet's `POST /webhooks/github` (ConnectorManager on the private Redis,
 * a GitHub connector whose API is the fake GitHub), and the same deliveries against a bare Koa endpoint, in this run:
 * maximum throughput of both with `concurrency` requests in flight, then inlet's latency at a fixed share of its rate.
 * The load comes from a separate process over keep-alive connections.
 */
export async function benchWebhooks(redis: PrivateRedis, shape: WebhookShape, deadline: Deadline): Promise<WebhookBenchResult> {
  const push = signedGithubPush({ owner: OWNER, repo: REPO, secret: SECRET, minBytes: shape.payloadBytes });
  const files = Object.fromEntries(push.paths.map((path, i) => [path, markdownPage(i, push.paths.length)]));
  const dir = createTempDir('webhooks');
  const queueName = `bench:${randomUUID()}:ingestion:queue`;
  const load = startLoadGenerator();
  let github: FakeGithub | undefined;
  let client: RedisClient | null = null;
  let manager: ConnectorManager | undefined;
  let inletServer: Server | undefined;
  let bareServer: Server | undefined;
  try {
    github = await startFakeGithub({ owner: OWNER, repo: REPO, files });
    const config = createBenchConfig({
      storagePath: join(dir.path, 'inlet.db'),
      redisUrl: redis.url,
      queueName,
      github: { name: CONNECTOR, owner: OWNER, repo: REPO, apiUrl: github.url, secret: SECRET, docsPath: 'docs' },
    });
    // The client `inlet serve` makes (auto-pipelining included), so the figure is the service's.
    client = connectRedis(config, silentLogger);
    if (!client) throw new Error('the bench config has no redis.url');
    manager = new ConnectorManager(client, config, { monitorIntervalMs: 1000, claimWaitMs: 1000 });
    await manager.startPolling();
    // Let the start-up backfill finish first, so the load meets a connector that is idle between pushes.
    for (;;) {
      deadline.check(() => 'the GitHub connector has not finished its first poll');
      const health = await manager.health();
      const stats = health.connectors.find((c) => c.name === CONNECTOR)?.stats;
      if (stats?.last_sync && health.queue?.size === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const inlet = await listen(createApp({ manager, logger: silentLogger, adminToken: '' }).callback());
    inletServer = inlet.server;
    const bare = await listen(createBareWebhookApp(SECRET).callback());
    bareServer = bare.server;
    const inletUrl = `${inlet.url}/webhooks/github`;
    const bareUrl = `${bare.url}/webhooks/github`;

    const base = { bodyBase64: push.body.toString('base64'), signature: push.signature, ratePerS: 0 };
    const closed = (url: string, maxRequests: number): LoadSpec => ({ ...base, url, mode: 'closed', concurrency: shape.concurrency, maxRequests, maxMs: shape.phaseMaxMs });
    /** One phase, with the servers' event-loop delay sampled every 1 ms meanwhile (stalls show there, not in CPU time). */
    const phase = async (spec: LoadSpec): Promise<PhaseResult> => {
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      try {
        const r = await load.run(spec, deadline);
        return { ...r, loopDelayP99Ms: delay.percentile(99) / 1e6, loopDelayMaxMs: delay.max / 1e6 };
      } finally {
        delay.disable();
      }
    };
    let inletAccepted = 0;
    const runInlet = async (spec: LoadSpec) => {
      const r = await phase(spec);
      inletAccepted += r.statuses['202'] ?? 0;
      return r;
    };

    await phase(closed(bareUrl, shape.warmupRequests));
    await runInlet(closed(inletUrl, shape.warmupRequests));
    const githubBefore = github.requests.length;

    // Alternating rounds, compared pair by pair: other tenants of this shared machine slow single phases by up to a
    // third, and a slow spell hits both phases of a round alike. The round with the median ratio gives the figures.
    type Metered = PhaseResult & { cpu: CpuShare; perS: number };
    const metered = async (run: () => Promise<PhaseResult>): Promise<Metered> => {
      const meter = await startCpuMeter(redis);
      const r = await run();
      const cpu = await meter.stop();
      return { ...r, cpu, perS: (r.statuses['202'] ?? 0) / (r.elapsedMs / 1000) };
    };
    const bareRounds: Metered[] = [];
    const inletRounds: Metered[] = [];
    for (let round = 0; round < shape.rounds; round++) {
      bareRounds.push(await metered(() => phase(closed(bareUrl, shape.requestsPerPhase))));
      inletRounds.push(await metered(() => runInlet(closed(inletUrl, shape.requestsPerPhase))));
    }
    const roundRatios = inletRounds.map((r, i) => r.perS / bareRounds[i].perS);
    const medianRound = medianIndex(roundRatios);
    const { cpu: bareCpu, ...bareRun } = bareRounds[medianRound];
    const { cpu: inletCpu, ...inletRun } = inletRounds[medianRound];
    const acceptedPerS = inletRun.perS;

    const ratePerS = Math.max(1, acceptedPerS * shape.fixedRateShare);
    const open = (url: string): LoadSpec => ({
      ...base,
      url,
      mode: 'open',
      concurrency: 256,
      ratePerS,
      maxRequests: Math.ceil((ratePerS * shape.fixedRateMs) / 1000),
      maxMs: shape.fixedRateMs,
    });
    // Latency rounds alternate too; each endpoint's median p99 is its figure.
    const fixedRounds: PhaseResult[] = [];
    const bareFixedRounds: PhaseResult[] = [];
    for (let round = 0; round < shape.fixedRateRounds; round++) {
      fixedRounds.push(await runInlet(open(inletUrl)));
      bareFixedRounds.push(await phase(open(bareUrl)));
    }
    const fixed = fixedRounds[medianIndex(fixedRounds.map((r) => r.p99Ms ?? Number.POSITIVE_INFINITY))];
    const bareFixed = bareFixedRounds[medianIndex(bareFixedRounds.map((r) => r.p99Ms ?? Number.POSITIVE_INFINITY))];
    const githubRequestsDuringLoad = github.requests.length - githubBefore;

    // A push webhook is a durable hint, not a queue event: the route records the delivery id in Redis (SET NX, the
    // delivery log) and hands the hint to the connector, whose next poll diffs the branch. So an accepted delivery is
    // "kept" when its id is in the delivery log, and the connector counted it; nothing per delivery enters the queue.
    const recordedDeliveries = await countKeys(client as Redis, `{${queueName}}:deliveries:github:${CONNECTOR}:*`);
    const health = await manager.health();
    const connectorReceived = Number(health.connectors.find((c) => c.name === CONNECTOR)?.stats.webhooks_received ?? Number.NaN);

    return {
      payloadBytes: push.body.length,
      payloadCommits: push.commits,
      bare: { ...bareRun, answersPerS: bareRun.perS, cpu: bareCpu },
      inlet: { ...inletRun, acceptedPerS, cpu: inletCpu },
      roundsPerS: { bare: bareRounds.map((r) => r.perS), inlet: inletRounds.map((r) => r.perS) },
      roundRatios,
      fixedRateRoundsP99Ms: { inlet: fixedRounds.map((r) => r.p99Ms), bare: bareFixedRounds.map((r) => r.p99Ms) },
      fixedRate: { ...fixed, ratePerS, acceptedPerS: (fixed.statuses['202'] ?? 0) / (fixed.elapsedMs / 1000) },
      bareFixedRate: bareFixed,
      inletAccepted,
      recordedDeliveries,
      connectorReceived,
      githubRequestsDuringLoad,
    };
  } finally {
    await load.stop();
    await close(inletServer);
    await close(bareServer);
    await manager?.stop().catch(() => undefined);
    await github?.close().catch(() => undefined);
    // The private redis-server is discarded at the end of the run; the keys are removed anyway for the next benchmark.
    await client?.eval("for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('UNLINK', k) end return 0", 0, `${queueName}*`).catch(() => undefined);
    client?.disconnect();
    dir.remove();
  }
}
