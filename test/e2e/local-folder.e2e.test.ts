import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { HealthReport } from '../../src/actors/system/health-report.ts';
import { eventually, jsonOf, startTempService, type TempService } from '../support/temp-service.ts';

const redisUrl = inject('redisUrl');
const backends = [
  { name: 'the embedded SQLite queue', redis: () => null, available: true },
  { name: 'the Redis queue', redis: () => new Redis(redisUrl), available: redisUrl !== '' },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`local folder to store on ${backend.name}`, () => {
    let service: TempService | undefined;
    let redis: Redis | null = null;
    afterEach(async () => {
      await service?.stop();
      redis?.disconnect();
      service = undefined;
    });

    it('ingests a written Markdown file within seconds, and removes it when deleted', async () => {
      redis = backend.redis();
      service = await startTempService({ redis });
      const { graph, vector, embedder } = service.backends;
      writeFileSync(join(service.docs, 'guide.md'), '# Deploy guide\n\nRun the deploy script.\n\n## Rollback\n\nSee [faq](faq.md).\n');

      const stored = (await eventually('guide.md in the graph store', () => graph.getDocument('docs:guide.md')))!;
      expect(stored.title).toBe('Deploy guide');
      expect(stored.chunks.map((c) => c.heading)).toEqual(['Deploy guide', 'Deploy guide > Rollback']);
      expect(stored.linksTo).toEqual(['docs:faq.md']);
      const [hit] = await vector.search((await embedder.embed(['deploy script']))[0], 1);
      expect(hit.docId).toBe('docs:guide.md');

      rmSync(join(service.docs, 'guide.md'));
      await eventually('guide.md gone from the graph store', async () => (await graph.getDocument('docs:guide.md')) === null);
      await eventually('its vectors gone', async () => (await vector.countPoints()) === 0);
    });

    it('moves a renamed file so the old path is no longer findable', async () => {
      redis = backend.redis();
      service = await startTempService({ redis });
      const { graph } = service.backends;
      writeFileSync(join(service.docs, 'old-name.md'), '# Renamed page\n\nContent that moves.\n');
      await eventually('old-name.md stored', () => graph.getDocument('docs:old-name.md'));
      renameSync(join(service.docs, 'old-name.md'), join(service.docs, 'new-name.md'));
      await eventually('new-name.md stored', () => graph.getDocument('docs:new-name.md'));
      await eventually('old-name.md removed', async () => (await graph.getDocument('docs:old-name.md')) === null);
      expect(await graph.countDocuments()).toBe(1);
    });

    it('counts what it received and queued in the health report', async () => {
      redis = backend.redis();
      service = await startTempService({ redis });
      writeFileSync(join(service.docs, 'a.md'), '# A\n\ntext\n');
      writeFileSync(join(service.docs, 'b.mdx'), '# B\n\ntext\n');
      writeFileSync(join(service.docs, 'ignored.txt'), 'not a document');
      await eventually('both documents stored', async () => (await service!.backends.graph.countDocuments()) === 2);
      const health = await jsonOf<HealthReport>(fetch(`${service.url}/webhooks/health`));
      const docs = health.connectors.find((c) => c.name === 'docs')!;
      expect(docs.stats.events_queued).toBe(2);
      expect(docs.stats.events_received).toBe(2);
      expect(docs.stats.errors).toBe(0);
      expect(docs.circuit_breaker).toBe('closed');
    });
  });
}
