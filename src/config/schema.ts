import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = (fallback: boolean) =>
  z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true')
    .default(fallback);

/** Kinds of source a connector can read. */
export const CONNECTOR_KINDS = ['local', 'github', 'notion', 'confluence'] as const;

/** One connector, in the runbook's shape (`connectors.<name>`). */
export const connectorSchema = z.object({
  /** Source kind; defaults to the connector's name when that is a kind (`github:` is a GitHub connector). */
  kind: z.enum(CONNECTOR_KINDS).optional(),
  /** Run this connector. Default true. */
  enabled: flag(true),
  /** Seconds between polls. Default 300 (the runbook's recommendation for GitHub). */
  poll_interval_seconds: seconds(300),
  /** Events per enqueue batch. Default 50. */
  batch_size: count(50),
  /** Retries of a failed poll before waiting for the next interval. Default 3. */
  max_retries: z.coerce.number().int().min(0).default(3),
  /** First retry delay in seconds; each retry waits a random time up to twice the previous ceiling. Default 2.0. */
  backoff_base_seconds: seconds(2),
  /** Guard the source's API with a circuit breaker. Default true. */
  circuit_breaker_enabled: flag(true),
  /** Consecutive failures that open the breaker. Default 5. */
  circuit_breaker_failure_threshold: count(5),
  /** Seconds the breaker stays open before one probe call. Default 60. */
  circuit_breaker_timeout_seconds: seconds(60),
  /** Shared secret that signs this source's webhooks; never logged or returned. */
  webhook_secret: z.string().default(''),
  /** API token; for GitHub filled from GITHUB_TOKEN when left out. Never logged or returned. */
  token: z.string().default(''),
  /** Source-specific settings (local: `path`; github: `owner`, `repo`, `docs_path`). */
  metadata: z.record(z.string(), z.unknown()).default({}),
});

/** The whole inlet.yaml. */
export const configSchema = z
  .object({
    connectors: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'), connectorSchema).default({}),
    queue: z
      .object({
        /** Redis list name. Default `ingestion:queue`. */
        name: z.string().min(1).default('ingestion:queue'),
        /** Waiting events past which enqueues are refused. Default 10000. */
        max_size: count(10_000),
        /** Usage (percent) at which polling pauses. Default 90 (the runbook's alert mark). */
        backpressure_on_pct: z.coerce.number().gt(0).max(100).default(90),
        /** Usage (percent) under which polling resumes. Default 70. */
        backpressure_off_pct: z.coerce.number().min(0).lt(100).default(70),
        /** Seconds a worker holds claimed events before they return to the queue. Default 60. */
        lease_seconds: seconds(60),
        /** Deliveries before an event goes to the dead-letter list. Default 5. */
        max_attempts: count(5),
        /** First retry delay of a failed event, seconds; doubles per attempt. Default 2. */
        retry_base_seconds: seconds(2),
        /** Seconds an event id is remembered to drop duplicates. Default 259200 (3 days, GitHub's redelivery window). */
        dedupe_window_seconds: seconds(259_200),
      })
      .prefault({})
      .refine((q) => q.backpressure_off_pct < q.backpressure_on_pct, {
        message: 'backpressure_off_pct must be lower than backpressure_on_pct',
        path: ['backpressure_off_pct'],
      }),
    redis: z
      .object({
        /** redis://host:port/db. Empty: the embedded SQLite queue. */
        url: z.string().default(''),
        /** From REDIS_PASSWORD; overrides a password in the URL. */
        password: z.string().default(''),
      })
      .prefault({}),
    storage: z
      .object({
        /** SQLite file of the embedded queue, cursors and stores. Default `.inlet/inlet.db`. */
        path: z.string().min(1).default('.inlet/inlet.db'),
      })
      .prefault({}),
    stores: z
      .object({
        /** Graph store: `embedded` (SQLite in storage.path) or `neo4j`. Default embedded. */
        graph: z.enum(['embedded', 'neo4j']).default('embedded'),
        /** Vector store: `embedded` (sqlite-vec in storage.path) or `qdrant`. Default embedded. */
        vector: z.enum(['embedded', 'qdrant']).default('embedded'),
        neo4j: z
          .object({
            /** Bolt URI, from NEO4J_URI. */
            uri: z.string().default(''),
            /** From NEO4J_USER. Default `neo4j`. */
            user: z.string().default('neo4j'),
            /** From NEO4J_PASSWORD. */
            password: z.string().default(''),
            /** Database name; empty uses the server's default. */
            database: z.string().default(''),
          })
          .prefault({}),
        qdrant: z
          .object({
            /** From QDRANT_URL, e.g. http://localhost:6333. */
            url: z.string().default(''),
            /** From QDRANT_API_KEY. */
            api_key: z.string().default(''),
            /** Collection of the chunks' vectors. Default `inlet_chunks`. */
            collection: z.string().min(1).default('inlet_chunks'),
          })
          .prefault({}),
      })
      .prefault({}),
    embedder: z
      .object({
        /** `hashed`: offline, deterministic, 384 dimensions. `openai`: any OpenAI-compatible /v1/embeddings endpoint. */
        kind: z.enum(['hashed', 'openai']).default('hashed'),
        /** Base URL of the endpoint, e.g. https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama). */
        url: z.string().default(''),
        /** Model name, e.g. text-embedding-3-small or nomic-embed-text. */
        model: z.string().default(''),
        /** From EMBEDDER_API_KEY; empty sends no Authorization header. */
        api_key: z.string().default(''),
        /** Texts per request. Default 64. */
        batch_size: count(64),
      })
      .prefault({}),
    worker: z
      .object({
        /** Worker actors in this process. Default 1. */
        count: z.coerce.number().int().min(0).default(1),
        /** Events claimed per batch. Default 100. */
        batch_size: count(100),
      })
      .prefault({}),
    server: z
      .object({
        /** HTTP port. Default 8000. */
        port: z.coerce.number().int().min(0).max(65_535).default(8000),
        /** Bind address. Default 0.0.0.0. */
        host: z.string().default('0.0.0.0'),
        /** Bearer token for the admin endpoints (breaker reset, queue clear); empty allows them from loopback only. */
        admin_token: z.string().default(''),
      })
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const require = (ok: boolean, path: (string | number)[], message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path, message });
    };
    require(config.stores.graph !== 'neo4j' || config.stores.neo4j.uri !== '', ['stores', 'neo4j', 'uri'], 'required when stores.graph is neo4j (or set NEO4J_URI)');
    require(config.stores.vector !== 'qdrant' || config.stores.qdrant.url !== '', ['stores', 'qdrant', 'url'], 'required when stores.vector is qdrant (or set QDRANT_URL)');
    require(config.embedder.kind !== 'openai' || config.embedder.url !== '', ['embedder', 'url'], 'required when embedder.kind is openai');
    require(config.embedder.kind !== 'openai' || config.embedder.model !== '', ['embedder', 'model'], 'required when embedder.kind is openai');
  });

/** The validated configuration. */
export type InletConfig = z.infer<typeof configSchema>;
/** One validated connector section. */
export type ConnectorConfig = z.infer<typeof connectorSchema>;
