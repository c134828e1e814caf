// The webhook load generator, in its own process (forked by webhook-load.ts) so that sending and timing requests
// does not share an event loop, or a core, with the servers under test. It answers each LoadSpec message with a
// LoadResult and exits when the parent disconnects.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { LoadResult, LoadSpec } from './webhook-load.ts';

function send(agent: Agent, url: URL, body: Buffer, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'user-agent': 'GitHub-Hookshot/bench',
          'x-github-event': 'push',
          // Unique per request, as GitHub's are: a repeated id would be answered as a duplicate (200), not accepted.
          'x-github-delivery': randomUUID(),
          'x-github-hook-id': '1',
          'x-hub-signature-256': signature,
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  const body = Buffer.from(spec.bodyBase64, 'base64');
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const statuses: Record<string, number> = {};
  const latencies = new Float64Array(spec.maxRequests);
  let completed = 0;
  let issued = 0;
  let errors = 0;
  let firstError: string | null = null;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const stopAt = started + spec.maxMs;

  /** One request; latency counts from `scheduledAt`, so an open loop's queueing is not hidden (no coordinated omission). */
  const one = async (scheduledAt: number) => {
    try {
      const status = await send(agent, url, body, spec.signature);
      statuses[status] = (statuses[status] ?? 0) + 1;
    } catch (error) {
      errors++;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
    latencies[completed++] = performance.now() - scheduledAt;
  };

  if (spec.mode === 'closed') {
    // `concurrency` requests in flight at all times: each loop sends its next request when the previous one answered.
    const loop = async () => {
      while (issued < spec.maxRequests && performance.now() < stopAt) {
        issued++;
        await one(performance.now());
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, loop));
  } else {
    // Open loop: request i is due at started + i / rate, whether or not earlier ones have answered.
    const intervalMs = 1000 / spec.ratePerS;
    const inFlight = new Set<Promise<void>>();
    while (issued < spec.maxRequests && performance.now() < stopAt) {
      const due = Math.min(spec.maxRequests, Math.floor((performance.now() - started) / intervalMs) + 1);
      while (issued < due) {
        const p = one(started + issued * intervalMs).finally(() => inFlight.delete(p));
        inFlight.add(p);
        issued++;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(5, intervalMs / 2))));
    }
    await Promise.all(inFlight);
  }
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  const sorted = latencies.subarray(0, completed).sort();
  return {
    issued,
    completed,
    statuses,
    errors,
    firstError,
    elapsedMs,
    generatorCpuPct: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : null,
  };
}

process.on('message', (spec: LoadSpec) => {
  run(spec).then(
    (result) => process.send?.({ ok: true, result }),
    (error: unknown) => process.send?.({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.once('disconnect', () => process.exit(0));
