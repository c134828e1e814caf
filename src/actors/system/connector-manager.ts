import { type Actor, type AnyActorRef, createActor, type InspectionEvent, type Observer, type SnapshotFrom, waitFor } from 'xstate';
import type { ConnectorConfig, InletConfig } from '../../config/schema.ts';
import type { circuitBreakerMachine } from '../../machines/circuit-breaker.machine.ts';
import { type ConnectorInput, connectorMachine, retryCeilingMs, webhookBufferOf } from '../../machines/connector.machine.ts';
import { connectorManagerMachine } from '../../machines/connector-manager.machine.ts';
import { canBufferWebhook, type WebhookMessage } from '../../machines/webhook-buffer.ts';
import { workerMachine } from '../../machines/worker.machine.ts';
import type { QueueStats } from '../../model/queue-stats.ts';
import { createPollLogic } from '../connector/create-poll-logic.ts';
import { PollsInFlight } from '../connector/polls-in-flight.ts';
import { type Logger, silentLogger } from '../log/logger.ts';
import { createEventProcessor } from '../pipeline/process-event.ts';
import type { IngestionQueue } from '../queue/ingestion-queue.ts';
import { createQueueMonitorLogic } from '../queue/create-queue-monitor-logic.ts';
import { isConnectionFailure, QueueCommandError } from '../queue/queue-errors.ts';
import { createSource } from '../sources/create-source.ts';
import { type SearchQuery, type SearchResult, searchDocuments } from '../search/search-documents.ts';
import type { DocumentSource } from '../sources/document-source.ts';
import type { DeliveryLog } from '../webhooks/delivery-log.ts';
import type { WebhookSecretStore } from '../webhooks/webhook-secret-store.ts';
import { createClaimLogic } from '../worker/create-claim-logic.ts';
import { type CommitListener, CommitNotices } from '../worker/commit-notices.ts';
import { createProcessBatchLogic } from '../worker/create-process-batch-logic.ts';
import type { Backends } from './backends.ts';
import { type BreakerStats, breakerStatsOf, type HealthReport, healthReportOf, QUEUE_READING_STALE_MS, type QueueView, queueViewOf } from './health-report.ts';
import { whenRedisReady } from './redis-connection.ts';
import { createStateChangeLog } from './log-state-changes.ts';
import { openBackends } from './open-backends.ts';
import { NewestSourceChanges } from './newest-source-changes.ts';
import { type PollCounts, PollOutcomes } from './poll-outcomes.ts';
import type { RedisClient } from '../queue/redis-script.ts';

type WorkerDelayArgs = Parameters<Extract<(typeof workerMachine.implementations.delays)[string], (...args: never[]) => unknown>>[0];

/** The worker machine's own outage back-off (ms). */
function workerOutageBackoff(args: WorkerDelayArgs): number {
  const delay = workerMachine.implementations.delays.outageBackoff;
  return typeof delay === 'function' ? delay(args, undefined) : (delay ?? 0);
}

/** Options beyond inlet.yaml, for embedding and tests. */
export interface ConnectorManagerOptions {
  /** Backends to use instead of opening them from the configuration. */
  backends?: Backends;
  /** Worker actors in this process; default `worker.count`. */
  workerCount?: number;
  /** Connectors to run; default every enabled connector of the configuration. */
  connectors?: string[];
  /** Inspection observer for the Stately inspector. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** How often the queue monitor reads stats and reaps leases (ms). Default 1000. */
  monitorIntervalMs?: number;
  /** How long one worker claim blocks on an empty queue (ms). Default 1000. */
  claimWaitMs?: number;
  logger?: Logger;
  /** Random source of the retry jitter. */
  random?: () => number;
  /** How long start-up waits for the Redis client to connect before starting anyway (ms). Default 3000. */
  redisReadyTimeoutMs?: number;
  /** How long one queue read of the monitor may take before the queue counts as unreachable (ms). Default 2000. */
  queueProbeTimeoutMs?: number;
  /**
   * How old the monitor's last word on the queue may be before health says unreachable (ms). Default 5000, or two
   * monitor intervals plus the probe timeout when that is longer.
   */
  queueStaleAfterMs?: number;
}

/** The ingestion queue as the runbook uses it; its stats and `isBackpressure()` answer from the supervisor's latch. */
export type ManagedQueue = Omit<IngestionQueue, 'getStats'> & {
  /** Reads the sizes now, hands them to the supervisor, and answers with its latch. */
  getStats(): Promise<QueueStats>;
  /** True while the supervisor holds the connectors paused under backpressure. */
  isBackpressure(): Promise<boolean>;
};

/** A connector's handle, in the runbook's terms: `manager.connector('github').circuitBreaker.getStats()`. */
export interface ConnectorHandle {
  name: string;
  kind: string;
  /** The connector's section of inlet.yaml (holds secrets: never serialise it into a response or a log). */
  config: ConnectorConfig;
  circuitBreaker: { getStats(): BreakerStats; reset(): void };
  /** Polls now rather than at the next interval. */
  pollNow(): void;
  /** Hands a verified webhook delivery to the connector; false when its buffer is full (answer 503). */
  deliverWebhook(delivery: WebhookMessage): boolean;
  /** Counts a delivery that failed signature verification. */
  recordWebhookRejection(): void;
  /** Counts a verified delivery by the secret that matched (`current` or `previous`, for rotation). */
  recordWebhookSecretMatch(slot: 'current' | 'previous'): void;
}

/**
 * The runbook's ConnectorManager: owns the supervisor actor (connectors, their breakers, workers, queue monitor)
 * and the I/O behind it. `new ConnectorManager(redis, config)`, `registerConnector(...)`, `await startPolling()`.
 * Pass `null` for Redis to run on the embedded SQLite queue.
 */
export class ConnectorManager {
  private readonly sources = new Map<string, { source: DocumentSource; batchSize: number; kind: string; config: ConnectorConfig }>();
  private readonly specs: Omit<ConnectorInput, 'restarts'>[] = [];
  private readonly stopWatchers: (() => void)[] = [];
  /** Handles built once per connector (webhook routes look them up on every delivery); cleared when one registers. */
  private readonly handles = new Map<string, ConnectorHandle>();
  private readonly logger: Logger;
  /** How each connector's last poll ended, for health. */
  private readonly pollOutcomes = new PollOutcomes();
  /** Polls running now: a graceful stop aborts them and waits for them to end before closing the backends. */
  private readonly polls = new PollsInFlight();
  /** What the workers committed, told to the freshness metrics (issue 14). */
  private readonly commits = new CommitNotices();
  /** Each connector's newest committed source change, for `freshness_lag_seconds`; listens to `commits` for good. */
  private readonly newestChanges = new NewestSourceChanges();
  /** The wait last chosen for an actor's retry or back-off delay, by systemId, for the log line that announces it. */
  private readonly delays = new Map<string, number>();
  private backends?: Backends;
  private managedQueue?: ManagedQueue;
  private actor?: Actor<typeof connectorManagerMachine>;
  private starting?: Promise<void>;

  constructor(
    private readonly redis: RedisClient | null,
    private readonly config: InletConfig,
    private readonly options: ConnectorManagerOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.commits.subscribe(this.newestChanges.note);
    const wanted = options.connectors ?? Object.keys(config.connectors).filter((name) => config.connectors[name].enabled);
    for (const name of wanted) this.registerConnector(name, config.connectors[name].kind ?? name, config.connectors[name]);
  }

  /** Adds (or replaces) a connector; it starts polling with the others, or at once if polling already started. */
  registerConnector(name: string, kind: string, config: ConnectorConfig): void {
    this.sources.set(name, { source: createSource(name, kind, config, this.logger), batchSize: config.batch_size, kind, config });
    this.handles.delete(name);
    const spec = {
      name,
      kind,
      pollIntervalMs: config.poll_interval_seconds * 1000,
      maxRetries: config.max_retries,
      backoffBaseMs: config.backoff_base_seconds * 1000,
      maxBufferedWebhooks: 1000,
      webhookDebounceMs: 250,
      breaker: {
        enabled: config.circuit_breaker_enabled,
        failureThreshold: config.circuit_breaker_failure_threshold,
        timeoutMs: config.circuit_breaker_timeout_seconds * 1000,
      },
    };
    const existing = this.specs.findIndex((s) => s.name === name);
    if (existing >= 0) this.specs.splice(existing, 1);
    this.specs.push(spec);
    if (this.actor) {
      this.actor.send({ type: 'REGISTER', connector: spec });
      this.watch(name);
    }
  }

  /** Opens the backends and starts the actor system (workers drain at once); idempotent. */
  start(): Promise<void> {
    this.starting ??= this.boot();
    return this.starting;
  }

  /** Starts every connector's polling (and file watchers). */
  async startPolling(): Promise<void> {
    await this.start();
    this.actor!.send({ type: 'START_POLLING' });
    for (const name of this.sources.keys()) this.watch(name);
  }

  /**
   * The ingestion queue (`queue.getStats()`, `queue.isBackpressure()`, `queue.clear()`): the adapter, except that its
   * stats and backpressure answer from the supervisor's latch, the one the connectors obey.
   */
  get queue(): ManagedQueue {
    const backends = this.backends;
    if (!backends) throw new Error('ConnectorManager not started: await start() or startPolling() first');
    this.managedQueue ??= new Proxy(backends.queue, {
      get: (target, property) => {
        if (property === 'getStats') return () => this.getQueueStats();
        if (property === 'isBackpressure') return async () => this.queueView().backpressure;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as unknown as ManagedQueue;
    return this.managedQueue;
  }

  /**
   * The runbook's `get_queue_stats()`: reads the sizes now and hands the reading to the supervisor like a monitor tick
   * (so the latch advances in one place only), then answers with the supervisor's latch. A failed read is reported to
   * the supervisor too, and thrown (503 for an unreachable queue).
   */
  async getQueueStats(): Promise<QueueStats> {
    await this.start();
    const actor = this.actor!;
    try {
      const stats = await this.backends!.queue.getStats();
      actor.send({ type: 'QUEUE_STATS', stats, at: Date.now() });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const unreachable = isConnectionFailure(error);
      actor.send({ type: unreachable ? 'QUEUE_UNREACHABLE' : 'QUEUE_ERROR', error: message, at: Date.now() });
      // An answer with an error is the operator's to see (GET /queue/stats says which), not a bare internal error.
      throw unreachable ? error : new QueueCommandError(error);
    }
    const view = this.queueView();
    if (!view.stats) throw new Error('queue stats missing after a reading');
    return view.stats;
  }

  /** The supervisor's view of the queue now, a reading too old counting as unreachable. */
  private queueView(): QueueView {
    if (!this.actor) return { state: 'unknown', error: null, backpressure: false, stats: null, checkedAt: null };
    // A slow monitor (a long interval) must not look stale between two of its own readings.
    const { queueStaleAfterMs, monitorIntervalMs = 1000, queueProbeTimeoutMs = 2000 } = this.options;
    const staleAfterMs = queueStaleAfterMs ?? Math.max(QUEUE_READING_STALE_MS, 2 * monitorIntervalMs + queueProbeTimeoutMs);
    return queueViewOf(this.actor.getSnapshot(), Date.now(), staleAfterMs);
  }

  /** A connector's handle, or undefined when no such connector is registered. */
  connector(name: string): ConnectorHandle | undefined {
    const entry = this.sources.get(name);
    if (!this.actor || !entry) return undefined;
    const cached = this.handles.get(name);
    if (cached) return cached;
    const system = this.actor.system;
    const breaker = () => system.get(`breaker:${name}`) as AnyActorRef | undefined;
    const connector = () => system.get(`connector:${name}`) as AnyActorRef | undefined;
    // Deliveries accepted in this turn of the event loop, handed to the actor as one WEBHOOKS message at its end: one
    // statechart step per burst instead of one per delivery (the step costs more than the rest of the hand-off).
    let outbox: WebhookMessage[] = [];
    const flushOutbox = () => {
      const deliveries = outbox;
      outbox = [];
      connector()?.send({ type: 'WEBHOOKS', deliveries });
    };
    const handle: ConnectorHandle = {
      name,
      kind: entry.kind,
      config: entry.config,
      circuitBreaker: {
        getStats: () => {
          const ref = breaker();
          if (!ref) throw new Error(`connector ${name} is restarting; its breaker is not running`);
          return breakerStatsOf(ref.getSnapshot() as SnapshotFrom<typeof circuitBreakerMachine>);
        },
        reset: () => breaker()?.send({ type: 'RESET' }),
      },
      pollNow: () => connector()?.send({ type: 'POLL_NOW' }),
      deliverWebhook: (delivery) => {
        const context = connector()?.getSnapshot().context as Parameters<typeof webhookBufferOf>[0] | undefined;
        if (!context) return false;
        // Room as the machine's hasBufferRoom guard counts it, with this turn's deliveries not yet handed over.
        const buffer = webhookBufferOf(context);
        if (!canBufferWebhook({ ...buffer, pending: outbox.length === 0 ? buffer.pending : [...buffer.pending, ...outbox] }, delivery)) return false;
        if (outbox.length === 0) setImmediate(flushOutbox);
        outbox.push(delivery);
        return true;
      },
      recordWebhookRejection: () => connector()?.send({ type: 'WEBHOOK_REJECTED' }),
      recordWebhookSecretMatch: (slot) => connector()?.send({ type: 'WEBHOOK_SECRET_MATCHED', slot }),
    };
    this.handles.set(name, handle);
    return handle;
  }

  /** Names of the registered connectors. */
  connectorNames(): string[] {
    return [...this.sources.keys()];
  }

  /** Handles of the registered connectors of one kind (the webhook routes look theirs up this way). */
  connectorsOfKind(kind: string): ConnectorHandle[] {
    return [...this.sources.entries()].filter(([, e]) => e.kind === kind).flatMap(([name]) => this.connector(name) ?? []);
  }

  /** Signing keys handed over at run time (Notion's verification token). */
  get webhookSecrets(): WebhookSecretStore {
    if (!this.backends) throw new Error('ConnectorManager not started: await start() first');
    return this.backends.webhookSecrets;
  }

  /** Webhook delivery ids already handled. */
  get deliveries(): DeliveryLog {
    if (!this.backends) throw new Error('ConnectorManager not started: await start() first');
    return this.backends.deliveries;
  }

  /**
   * The supervisor's view of the queue: `flowing`, `backpressure`, `unreachable` (also when the last reading is too
   * old), `error`, or `unknown` before the first check.
   */
  queueState(): { state: string; full: boolean } {
    const { state, stats } = this.queueView();
    return { state, full: stats ? stats.size >= stats.max_size : false };
  }

  /** Searches what was ingested: nearest chunks, their documents, and those documents' links (`GET /search`). */
  async search(query: SearchQuery): Promise<SearchResult> {
    await this.start();
    return searchDocuments(this.backends!, query);
  }

  /** The stores, read only, for callers beyond search (the MCP tools): the graph, its catalog and the change feed. */
  async documents(): Promise<Pick<Backends, 'graph' | 'catalog' | 'changes'>> {
    await this.start();
    return { graph: this.backends!.graph, catalog: this.backends!.catalog, changes: this.backends!.changes };
  }

  /** The health report of `GET /webhooks/health`. */
  async health(): Promise<HealthReport> {
    await this.start();
    return healthReportOf(
      this.actor!.getSnapshot(),
      (name) => this.sources.get(name)?.source.health?.(),
      (name) => this.pollOutcomes.of(name),
      this.queueView(),
      (name) => this.newestChanges.lagSecondsOf(name, Date.now()),
    );
  }

  /**
   * Tells `listener` of every batch this process's workers commit to both stores (the freshness histograms of
   * `/metrics`); returns the call that stops it.
   */
  onCommitted(listener: CommitListener): () => void {
    return this.commits.subscribe(listener);
  }

  /** A connector's finished polls by outcome (`done` or an error class) since start, for `inlet_connector_polls_total`. */
  pollCounts(name: string): PollCounts {
    return this.pollOutcomes.countsOf(name);
  }

  /** The root actor, for inspection and tests. */
  get root(): Actor<typeof connectorManagerMachine> {
    if (!this.actor) throw new Error('ConnectorManager not started');
    return this.actor;
  }

  /**
   * Graceful stop: no more polling (polls in flight are aborted, and waited for: they enqueue nothing and save no
   * cursor after the abort), workers finish and acknowledge the batch in hand (up to `timeoutMs`), then the actors stop
   * and the backends close. Events not acknowledged by then stay leased and return to the queue.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.starting) return;
    await this.starting;
    for (const stop of this.stopWatchers.splice(0)) stop();
    const actor = this.actor!;
    actor.send({ type: 'STOP' });
    const workers = Object.entries(actor.getSnapshot().children).filter(([id]) => id.startsWith('worker-'));
    await Promise.all([
      ...workers.map(([, ref]) => waitFor(ref as AnyActorRef, (s) => s.status === 'done', { timeout: timeoutMs }).catch(() => undefined)),
      // STOP left `polling`, so xstate aborted each poll's signal; a poll stuck in an unabortable call is not waited for past the timeout.
      withinMs(this.polls.settled(), timeoutMs),
    ]);
    actor.stop();
    await this.backends?.close();
  }

  private async boot(): Promise<void> {
    // The first poll and claim would fail on a client still connecting (no offline queue) and count as errors.
    if (this.redis && !(await whenRedisReady(this.redis, this.options.redisReadyTimeoutMs ?? 3000))) {
      this.logger.warn('redis not reachable at start-up; starting anyway, health shows it until it connects');
    }
    this.backends = this.options.backends ?? (await openBackends(this.redis, this.config, this.logger));
    const { queue, cursors, sourceStates, graph, vector, embedder } = this.backends;
    const random = this.options.random ?? Math.random;
    const processor = createEventProcessor({ graph, vector, embedder });
    const logic = connectorManagerMachine.provide({
      actors: {
        connector: connectorMachine.provide({
          actors: { poll: createPollLogic({ sources: this.sources, cursors, states: sourceStates, queue, inFlight: this.polls }) },
          delays: {
            // Full jitter: a random wait up to the exponential ceiling, so connectors that failed together retry apart.
            retryBackoff: ({ context }) => this.delayChosen(`connector:${context.name}`, random() * retryCeilingMs(context.backoffBaseMs, context.attempt)),
          },
        }),
        worker: workerMachine.provide({
          actors: {
            claim: createClaimLogic(queue),
            processBatch: createProcessBatchLogic(
              queue,
              processor,
              (message, fields, level) => this.logger[level](message, fields),
              this.backends.changes,
              this.commits,
            ),
          },
          delays: {
            // The machine's own back-off, noted so the log line can say when the worker tries again.
            outageBackoff: (args) => this.delayChosen(`worker:${args.context.id}`, workerOutageBackoff(args)),
          },
        }),
        queueMonitor: createQueueMonitorLogic(queue, {
          intervalMs: this.options.monitorIntervalMs ?? 1000,
          probeTimeoutMs: this.options.queueProbeTimeoutMs,
          logger: this.logger,
        }),
      },
    });
    this.actor = createActor(logic, {
      systemId: 'connector-manager',
      inspect: this.options.inspect,
      input: {
        connectors: this.specs,
        workers: {
          batchSize: this.config.worker.batch_size,
          claimWaitMs: this.options.claimWaitMs ?? 1000,
          backoffBaseMs: 500,
          backoffMaxMs: 30_000,
        },
        workerCount: this.options.workerCount ?? this.config.worker.count,
        backpressure: { onPct: this.config.queue.backpressure_on_pct, offPct: this.config.queue.backpressure_off_pct },
        restartBaseMs: 1000,
      },
    });
    // Observed, not told: the machines stay pure and the log follows their state changes (issue 10).
    this.actor.system.inspect(createStateChangeLog(this.logger, { delayOf: (systemId) => this.delays.get(systemId) }));
    this.actor.system.inspect(this.pollOutcomes.observe);
    // Without an error observer an escaped actor error would crash the process (xstate rethrows it).
    this.actor.subscribe({ error: (error) => this.logger.error('supervisor stopped on an unhandled error', { error }) });
    this.actor.start();
    this.logger.info('actor system started', { backends: this.backends.describe, connectors: this.connectorNames() });
  }

  /** Notes the wait chosen for an actor's delay (for its log line) and returns it. */
  private delayChosen(systemId: string, ms: number): number {
    this.delays.set(systemId, ms);
    return ms;
  }

  private watch(name: string): void {
    const entry = this.sources.get(name);
    if (!entry?.source.watch || !this.actor) return;
    const connector = () => this.actor?.system.get(`connector:${name}`) as AnyActorRef | undefined;
    this.stopWatchers.push(entry.source.watch((seenAt) => connector()?.send({ type: 'POLL_NOW', watchedAt: new Date(seenAt).toISOString() })));
  }
}

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
