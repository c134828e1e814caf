// `npm run bench`: queue, memory, worker (embedded and Neo4j graph) and webhook benchmarks, each figure beside a ceiling or baseline measured in the
// same run (the machine is shared and noisy, so absolute numbers from another day mean little). Prints a table and
// writes bench/results/latest.json plus a timestamped copy. Targets are reported, never enforced; the exit code is
// 1 only when a benchmark failed or ran out of time. `--worker-redis` forces the worker drain on Redis too.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { type BenchReport, fmt, printTable, type TableRow, type TargetVerdict, writeReport } from './bench-report.ts';
import { benchBullmq } from './bullmq-bench.ts';
import type { CpuShare } from './cpu-meter.ts';
import { Deadline } from './deadline.ts';
import { benchInletQueue } from './inlet-queue-bench.ts';
import { machineInfo } from './machine-info.ts';
import { markdownEvents } from './markdown-events.ts';
import { benchCompiled } from './compiled-bench.ts';
import { benchMemory } from './memory-bench.ts';
import { benchNeo4jWorker } from './neo4j-worker-bench.ts';
import { benchPipelineCeiling } from './pipeline-ceiling.ts';
import { measureRedisCeiling } from './redis-ceiling.ts';
import { type PrivateRedis, startRedisServer } from './redis-server.ts';
import { benchSearchQuality } from './search-quality.ts';
import { benchSources } from './sources-bench.ts';
import { benchWebhooks, type WebhookShape } from './webhook-bench.ts';
import { benchWorker } from './worker-bench.ts';

/** Time budget of each measured run (ms); past it the run aborts with a DeadlineExceededError. */
const BUDGET_MS = 90_000;
const QUEUE_SHAPE = { events: 100_000, enqueueBatch: 500, consumers: 4, claimBatch: 100 };
const BULLMQ_CONCURRENCY = 50;
const WORKER_DOCS = 5_000;
/** The Redis worker drain runs only when the SQLite one took less than this (s): "if cheap". */
const CHEAP_DRAIN_S = 30;

/** Documents of the Neo4j-against-embedded comparison (both drains get the same ones), after 100 untimed warm-up ones: 500 keep the Neo4j drain near 25 s at the ~20 docs/s measured here. */
const NEO4J_DOCS = 500;
const NEO4J_WARMUP_DOCS = 100;
/** The Neo4j comparison includes the harness start-up (~15-45 s on a busy 2-vCPU machine), hence a larger budget. */
const NEO4J_BUDGET_MS = 180_000;
const WEBHOOK_SHAPE: WebhookShape = {
  concurrency: 32,
  rounds: 5,
  requestsPerPhase: 12_000,
  phaseMaxMs: 15_000,
  warmupRequests: 1_000,
  fixedRateRounds: 3,
  fixedRateMs: 8_000,
  fixedRateShare: 0.5,
  payloadBytes: 7_000,
};

/** Pages of the fake Confluence site of the sources benchmark (issue 12 part 4), and its budget (the backfill takes ~25 s here). */
const SOURCES_PAGES = 100_000;
const SOURCES_BUDGET_MS = 240_000;
/** The search-quality bench ingests ~400 files (~15 s here) and runs ~500 queries in each of three modes. */
const SEARCH_BUDGET_MS = 240_000;

const TARGETS = { searchExactRecallAt5: 0.95, searchP50Ms: 50, sourcesIdlePollBytes: 1024, queueVsBullmq: 2, idleRssMb: 150, idleRssCompiledMb: 90, cliOperationMs: 500, workerDocsPerS: 500, webhooksVsBare: 0.7, webhooksP99Ms: 25 };

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const ratio = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null);
const num = (value: unknown) => (typeof value === 'number' ? value : null);

/** CPU shares as report fields: `<prefix>_node_cpu_pct` and `<prefix>_redis_cpu_pct` (percent of one core). */
function cpuFields(prefix: string, share: CpuShare): Record<string, number> {
  return { [`${prefix}_node_cpu_pct`]: round(share.nodePct, 0), [`${prefix}_redis_cpu_pct`]: round(share.redisPct, 0) };
}

function verdict(target: string, actual: number | null, met: (value: number) => boolean): TargetVerdict {
  return { target, actual: actual === null ? null : round(actual, 2), met: actual === null ? null : met(actual) };
}

async function main(): Promise<number> {
  const started = performance.now();
  const forceRedisWorker = process.argv.includes('--worker-redis');
  const machine = machineInfo();
  const errors: string[] = [];
  const queue: Record<string, unknown> = {
    events: QUEUE_SHAPE.events,
    enqueue_batch: QUEUE_SHAPE.enqueueBatch,
    claim_batch: QUEUE_SHAPE.claimBatch,
    consumers: QUEUE_SHAPE.consumers,
    bullmq_concurrency: BULLMQ_CONCURRENCY,
  };
  const memory: Record<string, unknown> = {};
  const cli: Record<string, unknown> = {};
  const worker: Record<string, unknown> = { docs: WORKER_DOCS, queue_backend: 'sqlite' };
  const sources: Record<string, unknown> = { pages: SOURCES_PAGES };
  const search: Record<string, unknown> = {};
  const webhooks: Record<string, unknown> = {
    concurrency: WEBHOOK_SHAPE.concurrency,
    requests_per_phase: WEBHOOK_SHAPE.requestsPerPhase,
    fixed_rate_seconds: WEBHOOK_SHAPE.fixedRateMs / 1000,
  };

  /** Runs one measurement under its own deadline; a failure is recorded and the next measurement still runs. */
  const step = async (label: string, work: (deadline: Deadline) => Promise<void>, budgetMs = BUDGET_MS) => {
    const stepStarted = performance.now();
    process.stderr.write(`> ${label} ... `);
    try {
      await work(new Deadline(label, budgetMs));
      process.stderr.write(`${((performance.now() - stepStarted) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      process.stderr.write(`FAILED\n  ${message}\n`);
      errors.push(`${label}: ${message}`);
    }
  };

  await step('memory: bare node, tsx, bare Koa, idle service, 10k queued (child processes)', async (deadline) => {
    const m = await benchMemory(deadline);
    Object.assign(memory, {
      idle_rss_mb: m.idle.rssMb,
      queued_10k_rss_mb: m.queued.rssMb,
      queue_backend: m.queueBackend,
      queued_events: m.queuedEvents,
      avg_event_content_bytes: m.avgContentBytes,
      bare_node_rss_mb: m.bareNode.rssMb,
      tsx_only_rss_mb: m.tsxOnly.rssMb,
      bare_koa_rss_mb: m.bareKoa.rssMb,
      idle_over_tsx_mb: round(m.idle.rssMb - m.tsxOnly.rssMb),
      queued_growth_mb: round(m.queued.rssMb - m.idle.rssMb),
      idle_heap_used_mb: m.idle.heapUsedMb,
      idle_heap_total_mb: m.idle.heapTotalMb,
      queued_heap_used_mb: m.queued.heapUsedMb,
      queued_heap_total_mb: m.queued.heapTotalMb,
      gc_before_sample: m.idle.afterGc,
      runtime: 'node --expose-gc --import tsx (as `npm start` runs tsx)',
    });
  });

  await step('compiled: npm run build, idle RSS of node dist/cli.js vs tsx, `inlet health` wall time', async (deadline) => {
    const c = await benchCompiled(deadline);
    Object.assign(memory, { idle_rss_compiled_mb: c.idleRssCompiledMb, idle_rss_tsx_process_mb: c.idleRssTsxMb });
    Object.assign(cli, {
      operation_ms: c.cliOperationMs,
      operation_tsx_ms: c.cliOperationTsxMs,
      bare_node_fetch_ms: c.bareNodeFetchMs,
      runs: c.runs,
      how: 'median wall time of `node dist/cli.js health` against a running service, start to exit',
    });
  });

  // Before the Redis benchmarks: its RSS is this process's, so it runs while the heap holds little else.
  await step(`sources: Confluence connector over a fake site of ${fmt(SOURCES_PAGES)} pages (backfill, idle poll, 10 changed)`, async (deadline) => {
    const r = await benchSources(SOURCES_PAGES, deadline);
    Object.assign(sources, {
      backfill_pages_per_s: round(r.backfillPagesPerS, 0),
      backfill_seconds: round(r.backfillSeconds, 2),
      backfill_requests: r.backfillRequests,
      idle_poll_bytes_written: r.idle.bytesWritten,
      idle_poll_requests: r.idle.requests,
      idle_poll_state_entries_written: r.idle.stateEntriesWritten,
      delta_requests_10_changed: r.delta.requests,
      delta_writes_10_changed: r.delta.stateEntriesWritten + (r.delta.cursorBytesWritten > 0 ? 1 : 0),
      delta_bytes_written_10_changed: r.delta.bytesWritten,
      delta_events_10_changed: r.delta.events,
      state_entries: r.stateEntries,
      rss_mb_100k: r.rssMb,
      heap_used_mb_100k: r.heapUsedMb,
      heap_used_mb_before_source: r.baselineHeapUsedMb,
      gc_before_sample: r.afterGc,
      rss_mb_before_source: r.baselineRssMb,
      state_growth_rss_mb: round(r.rssMb - r.baselineRssMb),
      writes_definition: 'per-document state entries written plus cursor writes; bytes are ids, values and cursor JSON handed to the stores (SQLite, in memory)',
      rss_definition: 'RSS of the bench process after two GCs, holding the state; the fake site lives in the same process (rss_mb_before_source is with the site loaded, before the source ran)',
    });
  }, SOURCES_BUDGET_MS);

  // Hybrid (the search shipped) against vector-only and text-only on the same stores and queries (issue 15 part 0).
  await step('search: README.md and docs/*.md of node_modules, hybrid against vector-only (exact identifiers, headings as questions)', async (deadline) => {
    const r = await benchSearchQuality(deadline);
    Object.assign(search, {
      docs: r.docs,
      chunks: r.chunks,
      exact_queries: r.exact_queries,
      heading_queries: r.heading_queries,
      ingest_seconds: r.ingest_seconds,
      ...r.hybrid,
      vector_only: r.vector,
      text_only: r.text,
      definition: 'recall at 5: the query\'s document among the documents of the top 5 chunks; p50 over all queries, embedding and graph neighbours included',
    });
  }, SEARCH_BUDGET_MS);

  let redis: PrivateRedis | undefined;
  try {
    redis = await startRedisServer();
    machine.redis_server = redis.version;
    const server = redis;
    // First on the fresh Redis: its servers run in this process, and the later benchmarks' heaps (5,000 documents,
    // BullMQ, the stores) would otherwise lengthen its garbage-collection pauses, the bare endpoint's as much as inlet's.
    await step(`webhooks: signed ~7 KB pushes, inlet (Redis) against bare Koa, ${WEBHOOK_SHAPE.concurrency} in flight`, async (deadline) => {
      const r = await benchWebhooks(server, WEBHOOK_SHAPE, deadline);
      Object.assign(webhooks, {
        payload_bytes: r.payloadBytes,
        payload_commits: r.payloadCommits,
        accepted_per_s: round(r.inlet.acceptedPerS, 0),
        bare_koa_per_s: round(r.bare.answersPerS, 0),
        ratio_vs_bare: round(r.inlet.acceptedPerS / r.bare.answersPerS, 2),
        rounds: WEBHOOK_SHAPE.rounds,
        rounds_inlet_per_s: r.roundsPerS.inlet.map((v) => round(v, 0)),
        rounds_bare_per_s: r.roundsPerS.bare.map((v) => round(v, 0)),
        rounds_ratio: r.roundRatios.map((v) => round(v, 2)),
        max_rate_definition: 'alternating closed-loop rounds (bare, inlet) at the same concurrency; figures from the round with the median inlet/bare ratio',
        fixed_rate_rounds: WEBHOOK_SHAPE.fixedRateRounds,
        fixed_rate_rounds_inlet_p99_ms: r.fixedRateRoundsP99Ms.inlet.map((v) => round(v ?? Number.NaN, 1)),
        fixed_rate_rounds_bare_p99_ms: r.fixedRateRoundsP99Ms.bare.map((v) => round(v ?? Number.NaN, 1)),
        fixed_rate_definition: 'alternating open-loop rounds (inlet, bare) at half the median round\'s inlet rate; figures from each endpoint\'s median-p99 round',
        max_rate_inlet_p50_ms: round(r.inlet.p50Ms ?? Number.NaN, 2),
        max_rate_inlet_p99_ms: round(r.inlet.p99Ms ?? Number.NaN, 2),
        max_rate_bare_p99_ms: round(r.bare.p99Ms ?? Number.NaN, 2),
        max_rate_inlet_statuses: r.inlet.statuses,
        max_rate_bare_statuses: r.bare.statuses,
        max_rate_seconds_inlet: round(r.inlet.elapsedMs / 1000, 2),
        max_rate_seconds_bare: round(r.bare.elapsedMs / 1000, 2),
        max_rate_connection_errors: r.inlet.errors + r.bare.errors,
        inlet_node_cpu_pct: round(r.inlet.cpu.nodePct, 0),
        inlet_redis_cpu_pct: round(r.inlet.cpu.redisPct, 0),
        bare_node_cpu_pct: round(r.bare.cpu.nodePct, 0),
        // Server CPU per answer (this process: the servers, the fake GitHub the polls call, the Redis client): steadier than
        // the answer rates when other tenants take the cores; bare/inlet is the rate ratio a CPU-bound server would reach.
        inlet_cpu_ms_per_request: round((r.inlet.cpu.nodePct * 10) / r.inlet.acceptedPerS, 3),
        bare_cpu_ms_per_request: round((r.bare.cpu.nodePct * 10) / r.bare.answersPerS, 3),
        cpu_cost_ratio_bare_over_inlet: round((r.bare.cpu.nodePct / r.bare.answersPerS) / (r.inlet.cpu.nodePct / r.inlet.acceptedPerS), 2),
        generator_cpu_pct_inlet: round(r.inlet.generatorCpuPct, 0),
        generator_cpu_pct_bare: round(r.bare.generatorCpuPct, 0),
        fixed_rate_per_s: round(r.fixedRate.ratePerS, 0),
        fixed_rate_sent: r.fixedRate.issued,
        fixed_rate_statuses: r.fixedRate.statuses,
        fixed_rate_connection_errors: r.fixedRate.errors,
        p50_ms: round(r.fixedRate.p50Ms ?? Number.NaN, 2),
        p90_ms: round(r.fixedRate.p90Ms ?? Number.NaN, 2),
        p99_ms: round(r.fixedRate.p99Ms ?? Number.NaN, 2),
        max_ms: round(r.fixedRate.maxMs ?? Number.NaN, 2),
        bare_koa_fixed_rate_p50_ms: round(r.bareFixedRate.p50Ms ?? Number.NaN, 2),
        bare_koa_fixed_rate_p99_ms: round(r.bareFixedRate.p99Ms ?? Number.NaN, 2),
        bare_koa_fixed_rate_max_ms: round(r.bareFixedRate.maxMs ?? Number.NaN, 2),
        // Event-loop delay of the serving process (1 ms sampling): stalls there are the servers' own, not the network's.
        fixed_rate_loop_delay_p99_ms: round(r.fixedRate.loopDelayP99Ms, 2),
        fixed_rate_loop_delay_max_ms: round(r.fixedRate.loopDelayMaxMs, 2),
        bare_koa_fixed_rate_loop_delay_p99_ms: round(r.bareFixedRate.loopDelayP99Ms, 2),
        bare_koa_fixed_rate_loop_delay_max_ms: round(r.bareFixedRate.loopDelayMaxMs, 2),
        // 202s minus the deliveries the service recorded: a push webhook is a durable hint for the connector's next
        // poll, not a queue event, so "recorded" is the delivery id in the Redis delivery log (SCAN). The connector's
        // own count (webhooks_received) is reported beside it, and lost_vs_connector from it.
        accepted_total: r.inletAccepted,
        recorded_deliveries: r.recordedDeliveries,
        connector_webhooks_received: r.connectorReceived,
        lost: r.inletAccepted - r.recordedDeliveries,
        lost_vs_connector: r.inletAccepted - r.connectorReceived,
        github_requests_during_load: r.githubRequestsDuringLoad,
        lost_definition: '202 answers minus delivery ids recorded in Redis (<queue>:deliveries:github:<connector>:<id>); a push is a durable hint, not a queue event',
      });
    });
    await step('queue: Redis ceiling (redis-benchmark lpush, LMOVE loop)', async (deadline) => {
      const c = await measureRedisCeiling(server, QUEUE_SHAPE.events, deadline);
      queue.redis_ceiling_ops_per_s = round(c.lpushOpsPerS, 0);
      queue.redis_lmove_loop_events_per_s = round(c.lmoveLoopEventsPerS, 0);
      Object.assign(queue, cpuFields('lmove_loop', c.lmoveLoopCpu));
    });
    await step(`queue: inlet RedisQueue, ${fmt(QUEUE_SHAPE.events)} events`, async (deadline) => {
      const r = await benchInletQueue(server, QUEUE_SHAPE, deadline);
      Object.assign(queue, { events_per_s: round(r.eventsPerS, 0), seconds: round(r.seconds, 2), claims: r.claims, short_claims: r.shortClaims });
      Object.assign(queue, cpuFields('inlet', r.cpu));
    });
    await step(`queue: BullMQ 6.7.0, ${fmt(QUEUE_SHAPE.events)} jobs`, async (deadline) => {
      const r = await benchBullmq(server, { events: QUEUE_SHAPE.events, enqueueBatch: QUEUE_SHAPE.enqueueBatch, concurrency: BULLMQ_CONCURRENCY }, deadline);
      Object.assign(queue, { bullmq_events_per_s: round(r.eventsPerS, 0), bullmq_seconds: round(r.seconds, 2) });
      Object.assign(queue, cpuFields('bullmq', r.cpu));
    });

    const events = markdownEvents(WORKER_DOCS, 'worker');
    worker.avg_doc_bytes = Math.round(events.reduce((sum, e) => sum + (e.content?.length ?? 0), 0) / events.length);
    await step(`worker: ${fmt(WORKER_DOCS)} docs, SQLite queue -> stores`, async (deadline) => {
      const r = await benchWorker(events, null, deadline);
      Object.assign(worker, { docs_per_s: round(r.docsPerS), docs_per_cpu_s: round(r.docsPerCpuS), seconds: round(r.seconds, 2), enqueue_seconds: round(r.enqueueSeconds, 2) });
    });
    await step(`worker: bare pipeline ceiling, ${fmt(WORKER_DOCS)} docs`, async (deadline) => {
      const r = await benchPipelineCeiling(events, deadline);
      Object.assign(worker, { pipeline_ceiling_docs_per_s: round(r.docsPerS), pipeline_ceiling_docs_per_cpu_s: round(r.docsPerCpuS), pipeline_ceiling_seconds: round(r.seconds, 2) });
    });
    const sqliteSeconds = num(worker.seconds);
    if (forceRedisWorker || (sqliteSeconds !== null && sqliteSeconds < CHEAP_DRAIN_S)) {
      await step(`worker: ${fmt(WORKER_DOCS)} docs, Redis queue -> stores`, async (deadline) => {
        const r = await benchWorker(events, server, deadline);
        Object.assign(worker, { redis_docs_per_s: round(r.docsPerS), redis_docs_per_cpu_s: round(r.docsPerCpuS), redis_seconds: round(r.seconds, 2) });
      });
    } else {
      worker.redis_docs_per_s = null;
      worker.redis_skipped = `the SQLite drain took ${sqliteSeconds ?? '?'} s (>= ${CHEAP_DRAIN_S} s); run with --worker-redis to force it`;
    }
  } catch (error) {
    errors.push(`redis-server: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await redis?.stop();
  }

  const neo4jUri = process.env.NEO4J_URI;
  const external = neo4jUri ? { uri: neo4jUri, user: process.env.NEO4J_USER, password: process.env.NEO4J_PASSWORD } : null;
  Object.assign(worker, { neo4j_docs: NEO4J_DOCS, neo4j_warmup_docs: NEO4J_WARMUP_DOCS, neo4j_docs_per_s: null, embedded_docs_per_s: null });
  await step(`worker: ${fmt(NEO4J_DOCS)} docs, SQLite queue -> Neo4j (${external ? 'NEO4J_URI' : 'harness'}) and -> embedded stores`, async (deadline) => {
    const r = await benchNeo4jWorker(NEO4J_DOCS, NEO4J_WARMUP_DOCS, external, deadline);
    if ('skipped' in r) {
      worker.neo4j_skipped = r.skipped;
      return;
    }
    Object.assign(worker, {
      neo4j_source: r.neo4j,
      neo4j_startup_seconds: r.startupMs === null ? null : round(r.startupMs / 1000),
      neo4j_docs_per_s: round(r.neo4jRun.docsPerS),
      neo4j_docs_per_cpu_s: round(r.neo4jRun.docsPerCpuS),
      neo4j_seconds: round(r.neo4jRun.seconds, 2),
      embedded_docs_per_s: round(r.embeddedRun.docsPerS),
      embedded_docs_per_cpu_s: round(r.embeddedRun.docsPerCpuS),
      embedded_seconds: round(r.embeddedRun.seconds, 2),
      neo4j_pct_of_embedded: round((r.neo4jRun.docsPerS / r.embeddedRun.docsPerS) * 100),
    });
  }, NEO4J_BUDGET_MS);

  queue.ratio_vs_bullmq = round(ratio(queue.events_per_s, queue.bullmq_events_per_s) ?? Number.NaN, 2);
  queue.pct_of_lmove_loop = round((ratio(queue.events_per_s, queue.redis_lmove_loop_events_per_s) ?? Number.NaN) * 100);
  worker.pct_of_pipeline_ceiling = round((ratio(worker.docs_per_s, worker.pipeline_ceiling_docs_per_s) ?? Number.NaN) * 100);
  worker.pct_of_pipeline_ceiling_cpu = round((ratio(worker.docs_per_cpu_s, worker.pipeline_ceiling_docs_per_cpu_s) ?? Number.NaN) * 100);
  for (const section of [queue, worker, webhooks, sources]) for (const [k, v] of Object.entries(section)) if (Number.isNaN(v)) section[k] = null;

  const targets = {
    queue_vs_bullmq: verdict(`inlet >= ${TARGETS.queueVsBullmq}x BullMQ events/s`, num(queue.ratio_vs_bullmq), (v) => v >= TARGETS.queueVsBullmq),
    memory_idle_rss: verdict(`idle RSS < ${TARGETS.idleRssMb} MB`, num(memory.idle_rss_mb), (v) => v < TARGETS.idleRssMb),
    memory_idle_rss_compiled: verdict(`compiled idle RSS < ${TARGETS.idleRssCompiledMb} MB`, num(memory.idle_rss_compiled_mb), (v) => v < TARGETS.idleRssCompiledMb),
    cli_operation_ms: verdict(`inlet health answers < ${TARGETS.cliOperationMs} ms`, num(cli.operation_ms), (v) => v < TARGETS.cliOperationMs),
    worker_docs_per_s: verdict(`worker >= ${TARGETS.workerDocsPerS} docs/s`, num(worker.docs_per_s), (v) => v >= TARGETS.workerDocsPerS),
    webhooks_vs_bare: verdict(`inlet 202/s >= ${TARGETS.webhooksVsBare} x bare Koa`, num(webhooks.ratio_vs_bare), (v) => v >= TARGETS.webhooksVsBare),
    webhooks_p99: verdict(`p99 < ${TARGETS.webhooksP99Ms} ms at half of inlet's rate`, num(webhooks.p99_ms), (v) => v < TARGETS.webhooksP99Ms),
    webhooks_lost: verdict('lost = 0', num(webhooks.lost), (v) => v === 0),
    search_exact_recall_at_5: verdict(`hybrid exact recall@5 >= ${TARGETS.searchExactRecallAt5}`, num(search.exact_recall_at_5), (v) => v >= TARGETS.searchExactRecallAt5),
    search_p50_ms: verdict(`hybrid search p50 < ${TARGETS.searchP50Ms} ms`, num(search.p50_ms), (v) => v < TARGETS.searchP50Ms),
    sources_idle_poll_bytes: verdict(`idle poll writes < ${TARGETS.sourcesIdlePollBytes} bytes`, num(sources.idle_poll_bytes_written), (v) => v < TARGETS.sourcesIdlePollBytes),
  };
  machine.load_avg_at_end = loadavg().map((l) => round(l, 2));
  const report: BenchReport = { machine, queue, memory, cli, worker, webhooks, sources, search, targets, errors, total_seconds: round((performance.now() - started) / 1000) };

  const yes = (t: TargetVerdict) => (t.met === null ? 'n/a' : t.met ? 'yes' : 'NO');
  const x = (value: unknown) => (typeof value === 'number' ? `${fmt(value, 2)}x` : '-');
  const cpu = (prefix: string) => `${fmt(num(queue[`${prefix}_node_cpu_pct`]))}/${fmt(num(queue[`${prefix}_redis_cpu_pct`]))}`;
  const pct = (value: unknown) => (typeof value === 'number' ? `${fmt(value)}%` : '-');
  const vectorOnly = (search.vector_only ?? {}) as Record<string, unknown>;
  const rows: TableRow[] = [
    { benchmark: 'queue', figure: 'inlet RedisQueue events/s', value: fmt(num(queue.events_per_s)), against: `BullMQ ${fmt(num(queue.bullmq_events_per_s))} events/s`, ratio: x(queue.ratio_vs_bullmq), target: '>= 2x', met: yes(targets.queue_vs_bullmq) },
    { benchmark: '', figure: '', value: '', against: `LMOVE loop ${fmt(num(queue.redis_lmove_loop_events_per_s))} events/s`, ratio: pct(queue.pct_of_lmove_loop), target: '', met: '' },
    { benchmark: '', figure: '', value: '', against: `redis-benchmark lpush ${fmt(num(queue.redis_ceiling_ops_per_s))} ops/s`, ratio: '', target: '', met: '' },
    { benchmark: '', figure: 'CPU % of a core, node/redis', value: cpu('inlet'), against: `BullMQ ${cpu('bullmq')}, LMOVE loop ${cpu('lmove_loop')}`, ratio: '', target: '', met: '' },
    { benchmark: 'memory', figure: 'idle service RSS (MB)', value: fmt(num(memory.idle_rss_mb), 1), against: `bare node ${fmt(num(memory.bare_node_rss_mb), 1)}, tsx ${fmt(num(memory.tsx_only_rss_mb), 1)}, Koa ${fmt(num(memory.bare_koa_rss_mb), 1)}`, ratio: '', target: '< 150 MB', met: yes(targets.memory_idle_rss) },
    { benchmark: '', figure: 'idle RSS of node dist/cli.js (MB, /proc)', value: fmt(num(memory.idle_rss_compiled_mb), 1), against: `tsx process ${fmt(num(memory.idle_rss_tsx_process_mb), 1)}`, ratio: '', target: `< ${TARGETS.idleRssCompiledMb} MB`, met: yes(targets.memory_idle_rss_compiled) },
    { benchmark: '', figure: `10k events queued (${String(memory.queue_backend ?? '-')}) RSS (MB)`, value: fmt(num(memory.queued_10k_rss_mb), 1), against: `idle ${fmt(num(memory.idle_rss_mb), 1)}`, ratio: '', target: '', met: '' },
    { benchmark: 'cli', figure: '`inlet health` wall ms (compiled)', value: fmt(num(cli.operation_ms)), against: `tsx ${fmt(num(cli.operation_tsx_ms))} ms, bare node fetch ${fmt(num(cli.bare_node_fetch_ms))} ms`, ratio: '', target: `< ${TARGETS.cliOperationMs} ms`, met: yes(targets.cli_operation_ms) },
    { benchmark: 'worker', figure: 'docs/s, SQLite queue', value: fmt(num(worker.docs_per_s), 1), against: `bare pipeline ${fmt(num(worker.pipeline_ceiling_docs_per_s), 1)} docs/s`, ratio: pct(worker.pct_of_pipeline_ceiling), target: '>= 500', met: yes(targets.worker_docs_per_s) },
    { benchmark: '', figure: 'docs per CPU-second (noise-robust)', value: fmt(num(worker.docs_per_cpu_s), 1), against: `bare pipeline ${fmt(num(worker.pipeline_ceiling_docs_per_cpu_s), 1)}`, ratio: pct(worker.pct_of_pipeline_ceiling_cpu), target: '', met: '' },
    { benchmark: '', figure: 'docs/s, Redis queue', value: worker.redis_docs_per_s === null ? 'skipped' : fmt(num(worker.redis_docs_per_s), 1), against: '', ratio: '', target: '', met: '' },
    {
      benchmark: '',
      figure: `docs/s to Neo4j, ${fmt(NEO4J_DOCS)} docs`,
      value: worker.neo4j_skipped ? 'skipped' : fmt(num(worker.neo4j_docs_per_s), 1),
      against: `embedded stores ${fmt(num(worker.embedded_docs_per_s), 1)} docs/s (same docs)`,
      ratio: pct(worker.neo4j_pct_of_embedded),
      target: '',
      met: '',
    },
    { benchmark: 'webhooks', figure: `inlet 202/s, median of ${WEBHOOK_SHAPE.rounds} rounds (${WEBHOOK_SHAPE.concurrency} in flight)`, value: fmt(num(webhooks.accepted_per_s)), against: `bare Koa ${fmt(num(webhooks.bare_koa_per_s))}/s`, ratio: x(webhooks.ratio_vs_bare), target: '>= 0.7x', met: yes(targets.webhooks_vs_bare) },
    { benchmark: '', figure: 'server CPU ms per answer', value: fmt(num(webhooks.inlet_cpu_ms_per_request), 3), against: `bare Koa ${fmt(num(webhooks.bare_cpu_ms_per_request), 3)} ms`, ratio: x(webhooks.cpu_cost_ratio_bare_over_inlet), target: '', met: '' },
    { benchmark: '', figure: `p99 ms at ${fmt(num(webhooks.fixed_rate_per_s))}/s (half), median of ${WEBHOOK_SHAPE.fixedRateRounds}`, value: fmt(num(webhooks.p99_ms), 1), against: `p50 ${fmt(num(webhooks.p50_ms), 1)}; bare Koa same rate p99 ${fmt(num(webhooks.bare_koa_fixed_rate_p99_ms), 1)}`, ratio: '', target: '< 25 ms', met: yes(targets.webhooks_p99) },
    { benchmark: '', figure: 'event-loop delay p99 ms at half rate', value: fmt(num(webhooks.fixed_rate_loop_delay_p99_ms), 1), against: `bare Koa ${fmt(num(webhooks.bare_koa_fixed_rate_loop_delay_p99_ms), 1)} ms`, ratio: '', target: '', met: '' },
    { benchmark: '', figure: 'lost (202s - recorded deliveries)', value: fmt(num(webhooks.lost)), against: `${fmt(num(webhooks.accepted_total))} 202s, ${fmt(num(webhooks.recorded_deliveries))} in delivery log, connector ${fmt(num(webhooks.connector_webhooks_received))}`, ratio: '', target: '= 0', met: yes(targets.webhooks_lost) },
    { benchmark: 'sources', figure: `backfill pages/s (${fmt(SOURCES_PAGES)} Confluence pages)`, value: fmt(num(sources.backfill_pages_per_s)), against: `${fmt(num(sources.backfill_requests))} requests`, ratio: '', target: '', met: '' },
    { benchmark: '', figure: 'bytes written by an idle poll', value: fmt(num(sources.idle_poll_bytes_written)), against: `${fmt(num(sources.idle_poll_requests))} request(s)`, ratio: '', target: '< 1 KB', met: yes(targets.sources_idle_poll_bytes) },
    { benchmark: '', figure: 'poll with 10 changed pages: requests / writes', value: `${fmt(num(sources.delta_requests_10_changed))} / ${fmt(num(sources.delta_writes_10_changed))}`, against: `${fmt(num(sources.delta_bytes_written_10_changed))} bytes written`, ratio: '', target: 'O(10)', met: '' },
    { benchmark: '', figure: 'RSS holding the state (MB)', value: fmt(num(sources.rss_mb_100k), 1), against: `before the source ran ${fmt(num(sources.rss_mb_before_source), 1)} (fake site in-process)`, ratio: '', target: '', met: '' },
    { benchmark: 'search', figure: `exact identifier recall@5, hybrid (${fmt(num(search.exact_queries))} queries)`, value: fmt(num(search.exact_recall_at_5), 3), against: `vector-only ${fmt(num(vectorOnly.exact_recall_at_5), 3)}`, ratio: '', target: `>= ${TARGETS.searchExactRecallAt5}`, met: yes(targets.search_exact_recall_at_5) },
    { benchmark: '', figure: `heading-as-question recall@5, hybrid (${fmt(num(search.heading_queries))} queries)`, value: fmt(num(search.heading_recall_at_5), 3), against: `vector-only ${fmt(num(vectorOnly.heading_recall_at_5), 3)}`, ratio: '', target: 'report', met: '' },
    { benchmark: '', figure: `search p50 ms, hybrid (${fmt(num(search.docs))} docs, ${fmt(num(search.chunks))} chunks)`, value: fmt(num(search.p50_ms), 1), against: `vector-only ${fmt(num(vectorOnly.p50_ms), 1)} ms`, ratio: '', target: `< ${TARGETS.searchP50Ms} ms`, met: yes(targets.search_p50_ms) },
  ];
  console.log('');
  printTable(rows);
  console.log(`\n${machine.cpus} CPUs, node ${machine.node}, load ${machine.load_avg_at_start.join(' ')} -> ${machine.load_avg_at_end.join(' ')}, ${report.total_seconds} s`);
  for (const error of errors) console.log(`ERROR ${error}`);
  const paths = writeReport(join(dirname(fileURLToPath(import.meta.url)), 'results'), report);
  console.log(`wrote ${paths.join(' and ')}`);
  return errors.length > 0 ? 1 : 0;
}

// A signal must not leave the private redis-server behind: exiting runs its 'exit' hook.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
