import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { buildNeo4jHarnessIfMissing, type Neo4jHarness, neo4jHarnessMissing, startNeo4jHarness } from './neo4j-harness.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a real Redis for the test run, or '' when none could be had. */
    redisUrl: string;
    /** `host:port` of each master of a real three-master Redis Cluster, comma-separated, or '' when none could be had. */
    redisClusterNodes: string;
    /** Bolt URL of a real Neo4j for the test run, or '' when none could be had. */
    neo4jUrl: string;
    /** Neo4j user (NEO4J_USER, default `neo4j`); the in-process harness accepts any. */
    neo4jUser: string;
    /** Neo4j password (NEO4J_PASSWORD); the in-process harness runs with auth disabled. */
    neo4jPassword: string;
  }
}

let redisServer: ChildProcess | undefined;
const clusterServers: ChildProcess[] = [];
let clusterDir: string | undefined;
let neo4jHarness: Neo4jHarness | undefined;

function loudNotice(message: string): void {
  console.warn(`\n${'!'.repeat(80)}\n${message}\n${'!'.repeat(80)}\n`);
}

/** NEO4J_URI, else the in-process harness from test/support/neo4j-harness, else '' (suites skip loudly). */
async function findNeo4j(): Promise<string> {
  if (process.env.NEO4J_URI) return process.env.NEO4J_URI;
  buildNeo4jHarnessIfMissing((line) => console.log(line));
  const missing = neo4jHarnessMissing();
  if (missing) {
    const message = `NO NEO4J: set NEO4J_URI, or ${missing}; the Neo4j suites are SKIPPED`;
    if (process.env.INLET_REQUIRE_NEO4J === '1') throw new Error(`${message} (INLET_REQUIRE_NEO4J=1 makes this fatal)`);
    loudNotice(message);
    return '';
  }
  neo4jHarness = await startNeo4jHarness();
  console.log(`neo4j-harness: ${neo4jHarness.url} ready in ${(neo4jHarness.startupMs / 1000).toFixed(1)} s`);
  return neo4jHarness.url;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout?.trim() === 'PONG') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
}

function stopCluster(): void {
  for (const server of clusterServers.splice(0)) server.kill('SIGTERM');
  if (clusterDir) rmSync(clusterDir, { recursive: true, force: true });
  clusterDir = undefined;
}

async function waitForClusterOk(ports: number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = ports.every((port) => spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout?.includes('cluster_state:ok'));
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the Redis Cluster on ports ${ports.join(', ')} did not reach cluster_state:ok within 10 s`);
}

/**
 * REDIS_CLUSTER_NODES, else three cluster-enabled redis-servers from PATH on free ports joined into one cluster with
 * no replicas (the queue's keys of one queue share a slot, so one master serves each queue); '' when that fails.
 */
async function findRedisCluster(): Promise<string> {
  if (process.env.REDIS_CLUSTER_NODES) return process.env.REDIS_CLUSTER_NODES;
  const started = Date.now();
  try {
    if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not on the PATH');
    clusterDir = mkdtempSync(join(tmpdir(), 'inlet-redis-cluster-'));
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports) {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--cluster-enabled', 'yes'];
      args.push('--cluster-config-file', join(clusterDir, `nodes-${port}.conf`), '--dir', clusterDir, '--daemonize', 'no');
      clusterServers.push(spawn('redis-server', args, { stdio: 'ignore' }));
    }
    await Promise.all(ports.map(waitForPing));
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stderr || create.stdout}`);
    await waitForClusterOk(ports);
    console.log(`redis-cluster: 3 masters on ports ${ports.join(', ')} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return ports.map((p) => `127.0.0.1:${p}`).join(',');
  } catch (error) {
    stopCluster();
    const message = `NO REDIS CLUSTER (${(error as Error).message}): set REDIS_CLUSTER_NODES or put redis-server on the PATH; the Redis Cluster suites are SKIPPED`;
    if (process.env.INLET_REQUIRE_REDIS === '1') throw new Error(`${message} (INLET_REQUIRE_REDIS=1 makes this fatal)`);
    loudNotice(message);
    return '';
  }
}

/**
 * Finds a real Redis (REDIS_URL, else a private redis-server from PATH) and a real Neo4j (NEO4J_URI, else the
 * in-process harness); what cannot be had is '' and its suites skip loudly, unless INLET_REQUIRE_* makes it fatal.
 */
export default async function setup(project: TestProject) {
  // The JVM takes ~15 s to start: let it boot while Redis starts.
  const neo4jUrl = findNeo4j();
  neo4jUrl.catch(() => {}); // awaited below; this only keeps an early rejection from counting as unhandled
  // The cluster (about 2-3 s, mostly redis-cli --cluster create waiting for the join) starts meanwhile too.
  const clusterNodes = findRedisCluster();
  clusterNodes.catch(() => {});
  let url = process.env.REDIS_URL ?? '';
  try {
    if (!url && spawnSync('redis-server', ['--version']).status === 0) {
      const port = await freePort();
      redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      await waitForPing(port);
      url = `redis://127.0.0.1:${port}`;
    }
    if (!url) {
      const message = 'NO REDIS: set REDIS_URL or put redis-server on the PATH; the Redis suites are SKIPPED';
      if (process.env.INLET_REQUIRE_REDIS === '1') throw new Error(`${message} (INLET_REQUIRE_REDIS=1 makes this fatal)`);
      loudNotice(message);
    }
    project.provide('redisUrl', url);
    project.provide('redisClusterNodes', await clusterNodes);
    project.provide('neo4jUrl', await neo4jUrl);
  } catch (error) {
    redisServer?.kill('SIGTERM');
    // A cluster still starting is stopped once it is up (or has failed and stopped itself).
    await clusterNodes.catch(() => '');
    stopCluster();
    throw error;
  }
  project.provide('neo4jUser', process.env.NEO4J_USER ?? 'neo4j');
  project.provide('neo4jPassword', process.env.NEO4J_PASSWORD ?? '');
  return async () => {
    redisServer?.kill('SIGTERM');
    stopCluster();
    await neo4jHarness?.stop();
  };
}
