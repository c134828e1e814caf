import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Runnable jar that `mvn -q -B package` in test/support/neo4j-harness builds (see its pom.xml). */
export const NEO4J_HARNESS_JAR = fileURLToPath(new URL('./neo4j-harness/target/neo4j-harness-launcher.jar', import.meta.url));

/** How the harness was started, and how to stop it. */
export interface Neo4jHarness {
  /** `bolt://127.0.0.1:PORT`; auth is disabled, any credentials are accepted. */
  url: string;
  /** Milliseconds from spawn to the READY line. */
  startupMs: number;
  stop(): Promise<void>;
}

/** Options of `startNeo4jHarness`. */
export interface Neo4jHarnessOptions {
  /** Milliseconds to wait for the READY line. Default 90 000: a cold first start on a busy machine takes ~30 s. */
  timeoutMs?: number;
  /** JVM options before `-jar`. Default `TEST_JVM_ARGS`; a throughput benchmark should pass only a heap size. */
  jvmArgs?: string[];
}

/**
 * JVM options for test runs: C1 only and the serial collector start the server in about half the time on a small,
 * busy machine (measured 13–18 s against 24–32 s on 2 loaded vCPUs), at some cost in peak throughput. The launcher caps the
 * page cache at 64 MiB, so a 1 GiB heap is plenty.
 */
export const TEST_JVM_ARGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xms256m', '-Xmx1g'];

/**
 * Builds the harness jar when it is missing and Java and Maven are on the PATH, so `npm test` on a fresh clone talks
 * to a real Neo4j too. The first build downloads Neo4j 5.26 from Maven Central into ~/.m2 (about 150 MB, a minute);
 * later builds run offline. Returns true when the jar exists afterwards.
 */
export function buildNeo4jHarnessIfMissing(log: (line: string) => void): boolean {
  if (existsSync(NEO4J_HARNESS_JAR)) return true;
  if (spawnSync('mvn', ['--version']).status !== 0 || spawnSync('java', ['-version']).status !== 0) return false;
  log('neo4j-harness: building the test harness jar once (mvn -q -B package in test/support/neo4j-harness) ...');
  const cwd = fileURLToPath(new URL('./neo4j-harness/', import.meta.url));
  const offline = spawnSync('mvn', ['-q', '-B', '-o', 'package'], { cwd, stdio: 'ignore' });
  if (offline.status !== 0) spawnSync('mvn', ['-q', '-B', 'package'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  return existsSync(NEO4J_HARNESS_JAR);
}

/** Why the harness cannot run here (no jar, no java), or null when it can. */
export function neo4jHarnessMissing(): string | null {
  if (!existsSync(NEO4J_HARNESS_JAR)) {
    return `${NEO4J_HARNESS_JAR} is missing: run \`mvn -q -B package\` in test/support/neo4j-harness (needs Java 17 and Maven)`;
  }
  if (spawnSync('java', ['-version']).status !== 0) return 'no `java` on the PATH to run the Neo4j harness';
  return null;
}

/**
 * Starts the in-process Neo4j launcher and resolves once it prints `NEO4J_READY <bolt uri>`. Bolt goes on a port the
 * JVM picks (no race with a port chosen here). The JVM exits when its stdin closes, so it cannot outlive this process.
 */
export async function startNeo4jHarness(options: Neo4jHarnessOptions = {}): Promise<Neo4jHarness> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const jvmArgs = options.jvmArgs ?? TEST_JVM_ARGS;
  const started = Date.now();
  const child = spawn('java', [...jvmArgs, '-jar', NEO4J_HARNESS_JAR, '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 40) stderrTail.shift();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`Neo4j harness ${why}; last stderr lines:\n${stderrTail.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`printed no NEO4J_READY line within ${timeoutMs / 1000} s`), timeoutMs);
    child.once('error', (error) => fail(`could not start (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^NEO4J_READY (bolt:\/\/\S+?)\/?$/.exec(line.trim());
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve(match[1]);
    });
  });
  return { url, startupMs: Date.now() - started, stop: () => stopHarness(child) };
}

// Closing stdin asks for a clean shutdown; SIGTERM (shutdown hook) and then SIGKILL if it hangs.
async function stopHarness(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const within = (ms: number) => Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
  child.stdin?.end();
  if (await within(20_000)) return;
  child.kill('SIGTERM');
  if (await within(10_000)) return;
  child.kill('SIGKILL');
  await exited;
}
