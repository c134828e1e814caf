import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openBackends } from '../src/actors/system/open-backends.ts';
import type { IngestionEvent } from '../src/model/ingestion-event.ts';
import { type Neo4jHarness, neo4jHarnessMissing, startNeo4jHarness } from '../test/support/neo4j-harness.ts';
import { createBenchConfig } from './bench-config.ts';
import type { Deadline } from './deadline.ts';
import { markdownEvents } from './markdown-events.ts';
import { createTempDir } from './temp-dir.ts';
import { benchWorker, type WorkerRunResult } from './worker-bench.ts';

/** Where the Neo4j came from, and the two drains of the same documents. */
export type Neo4jWorkerResult =
  | { skipped: string }
  | {
      neo4j: 'NEO4J_URI' | 'harness';
      /** Harness start-up (ms); null with NEO4J_URI. */
      startupMs: number | null;
      neo4jRun: WorkerRunResult;
      embeddedRun: WorkerRunResult;
    };

/** Settings of a Neo4j given by the environment, as a deployment passes them (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD). */
export interface ExternalNeo4j {
  uri: string;
  user?: string;
  password?: string;
}

/** `docs/guides/...` under a run-unique folder, so a long-lived Neo4j from NEO4J_URI never holds these ids already. */
function corpus(count: number, tag: string): IngestionEvent[] {
  return markdownEvents(count, tag).map((e) => ({ ...e, docId: e.docId.replace('docs/', `docs/${tag}/`), path: e.path.replace('docs/', `docs/${tag}/`) }));
}

/**
 * Documents per second from the (SQLite) queue to the stores, once with the graph store on Neo4j and once on the
 * embedded SQLite graph, same documents, vector store embedded in both, so the difference is the graph store. Each
 * drain follows an untimed warm-up drain of `warmupDocs` other documents (JIT of the JVM and of this process, Neo4j's
 * schema set-up). Uses `external` when given, else starts the harness jar (and always stops it).
 */
export async function benchNeo4jWorker(docs: number, warmupDocs: number, external: ExternalNeo4j | null, deadline: Deadline): Promise<Neo4jWorkerResult> {
  let harness: Neo4jHarness | undefined;
  const tag = `bench-${randomUUID().slice(0, 8)}`;
  const events = corpus(docs, tag);
  const warmup = corpus(warmupDocs, `${tag}-warmup`);
  try {
    let neo4j = external;
    if (!neo4j) {
      const missing = neo4jHarnessMissing();
      if (missing) return { skipped: missing };
      // Only a heap size: the tests' C1-only, serial-GC options start faster but cap throughput (neo4j-harness.ts).
      harness = await startNeo4jHarness({ timeoutMs: Math.min(90_000, deadline.remainingMs()), jvmArgs: ['-Xms256m', '-Xmx1g'] });
      neo4j = { uri: harness.url };
    }
    // Counting every 200 ms rather than 20: at tens of documents per second that costs under 1% in precision, and
    // spares Neo4j the count queries a 20 ms poll would add to the load being measured.
    await benchWorker(warmup, null, deadline, { neo4j, pollMs: 200 });
    const neo4jRun = await benchWorker(events, null, deadline, { neo4j, pollMs: 200 });
    await benchWorker(warmup, null, deadline);
    const embeddedRun = await benchWorker(events, null, deadline);
    return { neo4j: external ? 'NEO4J_URI' : 'harness', startupMs: harness?.startupMs ?? null, neo4jRun, embeddedRun };
  } finally {
    if (harness) await harness.stop();
    else if (external) await removeDocuments(external, [...warmup, ...events]);
  }
}

/** Deletes the run's documents from a Neo4j that outlives the run (best effort). */
async function removeDocuments(neo4j: ExternalNeo4j, events: IngestionEvent[]): Promise<void> {
  const dir = createTempDir('neo4j-cleanup');
  try {
    const backends = await openBackends(null, createBenchConfig({ storagePath: join(dir.path, 'inlet.db'), neo4j }));
    try {
      // The highest version there is: clean-up must win over every change the run wrote.
      for (const e of events) await backends.graph.deleteDocument(e.docId, Number.MAX_SAFE_INTEGER);
    } finally {
      await backends.close();
    }
  } catch {
    // Nothing to report: the documents carry the run's tag in their ids for a manual clean-up.
  } finally {
    dir.remove();
  }
}
