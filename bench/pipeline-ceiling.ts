import { join } from 'node:path';
import { createEventProcessor } from '../src/actors/pipeline/process-event.ts';
import { openBackends } from '../src/actors/system/open-backends.ts';
import type { IngestionEvent } from '../src/model/ingestion-event.ts';
import { createBenchConfig } from './bench-config.ts';
import type { Deadline } from './deadline.ts';
import { createTempDir } from './temp-dir.ts';

/** The bare pipeline (parse, chunk, embed, both store writes) called in a loop, with no queue and no actors. */
export async function benchPipelineCeiling(events: IngestionEvent[], deadline: Deadline): Promise<{ seconds: number; docsPerS: number; docsPerCpuS: number }> {
  const dir = createTempDir('pipeline');
  const backends = await openBackends(null, createBenchConfig({ storagePath: join(dir.path, 'inlet.db') }));
  try {
    // The worker builds its processor the same way (connector-manager.ts).
    const processor = createEventProcessor({ graph: backends.graph, vector: backends.vector, embedder: backends.embedder });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    // Batches of worker.batch_size (100), as the worker hands them to processMany, without the queue around it.
    for (let i = 0; i < events.length; i += 100) {
      deadline.check(() => `${i}/${events.length} documents processed`);
      const batch = events.slice(i, i + 100);
      // Versions as the queue's sequences would be: one per event, increasing.
      const outcomes = await processor.processMany(batch, batch.map((_, j) => i + j + 1));
      const failure = outcomes.find((o) => o !== null);
      if (failure !== undefined) throw new Error(`pipeline failed: ${failure instanceof Error ? failure.message : failure}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const stored = await backends.graph.countDocuments();
    if (stored !== events.length) throw new Error(`graph holds ${stored} documents, expected ${events.length}`);
    return { seconds, docsPerS: events.length / seconds, docsPerCpuS: events.length / ((cpu.user + cpu.system) / 1e6) };
  } finally {
    await backends.close();
    dir.remove();
  }
}
