import { createHash } from 'node:crypto';
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A lock across test files (they run in parallel processes) for suites that need the run's one Neo4j database to
 * themselves: the graph conformance suite compares global document counts, which another file's writes would move.
 * Returns the release function.
 */
export async function lockNeo4j(neo4jUrl: string, timeoutMs = 180_000): Promise<() => void> {
  const path = join(tmpdir(), `inlet-neo4j-${createHash('sha1').update(neo4jUrl).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch {
      if (!holderAlive(path)) rmSync(path, { force: true });
      else if (Date.now() > deadline) throw new Error(`Neo4j test lock ${path} still held after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A lock left by a process that died (a killed test run) must not block the next run. */
function holderAlive(path: string): boolean {
  try {
    process.kill(Number(readFileSync(path, 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}
