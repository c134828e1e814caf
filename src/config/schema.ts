import { z } from 'zod';
import { count, flag, seconds, shown } from './config-fields.ts';
import { connectorsSchema } from './connectors-by-kind.ts';

/** Levels of `log.level`, most verbose first; `silent` writes nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** A value of `log.level`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

export { CONNECTOR_KINDS, type ConnectorConfig, type ConnectorKind, connectorSchema, isConnectorKind } from './connector-schema.ts';
export type { LoadedConnectorConfig } from './connectors-by-kind.ts';

/** The whole inlet.yaml. */
export const configSchema = z
  .strictObject({
    /** Connectors by name; each section's keys are in `connectorSchema`, its metadata's in its kind's schema. Default none. */
    connectors: connectorsSchema,
    /** The ingestion queue (Redis list, or the embedded SQLite queue). */
    queue: z
      .strictObject({
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
    /** Redis connection; empty url: the embedded queue. */
    redis: z
      .strictObject({
        /** redis://host:port/db. Empty: the embedded SQLite queue. With `cluster`, one or more seed nodes, comma-separated. */
        url: z.string().default(''),
        /** True: `url` names nodes of a Redis Cluster (every key of one queue shares a hash tag, so one slot). Default false. */
        cluster: flag(false),
        /** From REDIS_PASSWORD; overrides a password in the URL. */
        password: z.string().default(''),
      })
      .prefault({}),
    /** The embedded SQLite file. */
    storage: z
      .strictObject({
        /** SQLite file of the embedded queue, cursors and stores. Default `.inlet/inlet.db`. */
        path: z.string().min(1).default('.inlet/inlet.db'),
      })
      .prefault({}),
    /** Where documents and vectors are stored. */
    stores: z
      .strictObject({
        /** Graph store: `embedded` (SQLite in storage.path) or `neo4j`. Default embedded. */
        graph: z.enum(['embedded', 'neo4j']).default('embedded'),
        /** Vector store: `embedded` (sqlite-vec in storage.path) or `qdrant`. Default embedded. */
        vector: z.enum(['embedded', 'qdrant']).default('embedded'),
        /** Neo4j, when stores.graph is neo4j (filled from NEO4J_*). */
        neo4j: z
          .strictObject({
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
        /** Qdrant, when stores.vector is qdrant (filled from QDRANT_*). */
        qdrant: z
          .strictObject({
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
    /** How chunks become vectors. */
    embedder: z
      .strictObject({
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
        /** Longest input in cl100k tokens; 0 takes the model's known limit (384 for a model inlet does not know). Default 0. */
        max_input_tokens: z.coerce.number().int().refine((n) => n === 0 || n >= 16, 'expected 0 (the model\'s known limit) or at least 16').default(0),
      })
      .prefault({}),
    /** Ingestion workers of this process. */
    worker: z
      .strictObject({
        /** Worker actors in this process. Default 1. */
        count: z.coerce.number().int().min(0).default(1),
        /** Events claimed per batch. Default 100. */
        batch_size: count(100),
      })
      .prefault({}),
    /** The HTTP API. */
    server: z
      .strictObject({
        /** HTTP port. Default 8000. */
        port: z.coerce.number().int().min(0).max(65_535).default(8000),
        /** Bind address. Default 127.0.0.1: beyond loopback the protected routes need tokens (see SECURITY.md). */
        host: z.string().default('127.0.0.1'),
        /**
         * Bearer token of the admin role (breaker reset, queue clear, dead letters, poll now, the inspector relay); it also
         * grants the reader role. Empty: admin routes answer only when `host` is loopback and no proxy header is present.
         */
        admin_token: z.string().default(''),
        /** Bearer token of the reader role (search, health details, queue and breaker stats). Empty: only admin_token, or the loopback rule. */
        read_token: z.string().default(''),
        /**
         * True when exactly one reverse proxy you run sits in front: the client address in logs becomes the right-most
         * X-Forwarded-For entry (the one that proxy appended). It opens no route: proxy headers still close the tokenless
         * loopback door. Default false.
         */
        trust_proxy: flag(false),
        /** Connections held open at once, over all clients; more are answered 503 and closed. Default 512. */
        max_connections: count(512),
        /** Connections held open at once per client address (the TCP peer: behind a proxy, the proxy). Default 64. */
        max_connections_per_client: count(64),
      })
      .prefault({}),
    /** Structured log output. */
    log: z
      .strictObject({
        /** Least severe level written: trace, debug, info, warn, error, fatal or silent. From INLET_LOG_LEVEL when left out. Default info. */
        level: z.enum(LOG_LEVELS, { error: (issue) => `expected one of ${LOG_LEVELS.join(', ')}, got ${shown(issue.input)}` }).default('info'),
      })
      .prefault({}),
  })
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
