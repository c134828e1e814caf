import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freePort } from '../support/free-port.ts';
import { prometheusSkipReason } from '../support/promtool.ts';
import { eventually, startTempService, type TempService } from '../support/temp-service.ts';

// Issue 14 part 4: the real Prometheus server (Debian's prometheus 2.42, as .ci/run installs it) scrapes a running inlet
// every second, and a test copy of deploy/prometheus/alerts.yml, its `for:` durations read as seconds, fires the
// breaker alert once the connector's source fails.

/** An alert as `GET /api/v1/alerts` lists it. */
interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
}

/** One series of an instant query (`GET /api/v1/query`). */
interface ApiSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** deploy/prometheus/alerts.yml with every `for: Nm` turned into `for: Ns`, so a 5-minute alert takes 5 s. */
function rulesWithForInSeconds(): string {
  const rules = parse(readFileSync(new URL('../../deploy/prometheus/alerts.yml', import.meta.url), 'utf8')) as {
    groups: { rules: { for?: string }[] }[];
  };
  for (const group of rules.groups) for (const rule of group.rules) if (rule.for) rule.for = rule.for.replace(/^(\d+)m$/, '$1s');
  return stringify(rules);
}

const skip = prometheusSkipReason('prometheus', 'the real-Prometheus end-to-end test');

describe.skipIf(skip !== undefined)('Prometheus scraping inlet (real prometheus server)', () => {
  let service: TempService;
  let prometheus: ChildProcess | undefined;
  let prometheusOutput = '';
  let dir = '';
  let api = '';

  /** The `data` of a Prometheus API answer. */
  async function apiData<T>(path: string): Promise<T> {
    const response = await fetch(`${api}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error}`);
    return body.data;
  }
  const query = (promql: string) => apiData<{ result: ApiSample[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`).then((d) => d.result);
  const breakerAlerts = () => apiData<{ alerts: ApiAlert[] }>('/api/v1/alerts').then((d) => d.alerts.filter((a) => a.labels.alertname === 'InletCircuitBreakerOpen'));

  beforeAll(async () => {
    // The folder connector polls every second; its first failure opens the breaker, which then stays open.
    service = await startTempService({
      connector: ['poll_interval_seconds: 1', 'circuit_breaker_failure_threshold: 1', 'circuit_breaker_timeout_seconds: 600'],
    });
    dir = mkdtempSync(join(tmpdir(), 'inlet-prometheus-'));
    writeFileSync(join(dir, 'alerts.yml'), rulesWithForInSeconds());
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
        rule_files: [join(dir, 'alerts.yml')],
        scrape_configs: [{ job_name: 'inlet', static_configs: [{ targets: [new URL(service.url).host] }] }],
      }),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (chunk) => (prometheusOutput += chunk));
    prometheus.stderr?.on('data', (chunk) => (prometheusOutput += chunk));
    await eventually('prometheus ready', async () => (await fetch(`${api}/-/ready`)).ok, 20_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${prometheusOutput}`);
    });
  }, 60_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((done) => prometheus!.once('exit', done));
      prometheus.kill('SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("scrapes inlet every second: its API shows inlet's metrics, the breaker closed and no breaker alert", async () => {
    const up = await eventually('inlet scraped', async () => (await query('up{job="inlet"} == 1')).length === 1, 20_000);
    expect(up).toBe(true);
    const [closed] = await eventually('the breaker state scraped', () => query('inlet_breaker_state{connector="docs",state="closed"}'), 10_000);
    expect(closed.metric).toMatchObject({ job: 'inlet', connector: 'docs', kind: 'local', state: 'closed' });
    expect(closed.value[1]).toBe('1');
    const [calls] = await query('inlet_breaker_calls_total{connector="docs"}');
    expect(Number(calls.value[1])).toBeGreaterThanOrEqual(0);
    // Scraped every second: more than one sample within the last 5 s.
    await eventually('several samples a few seconds apart', async () => {
      const [samples] = await query('count_over_time(inlet_queue_usage_ratio{job="inlet"}[5s])');
      return samples && Number(samples.value[1]) >= 3;
    }, 10_000);
    const dead = await query('inlet_queue_dead_letters{job="inlet"}');
    expect(dead.map((s) => s.value[1])).toEqual(['0']);
    expect(await breakerAlerts()).toEqual([]);
  }, 60_000);

  it('fires InletCircuitBreakerOpen (for: 5s in the test copy) after the connector\'s folder is removed', async () => {
    rmSync(service.docs, { recursive: true, force: true });
    const openedAt = (await eventually('the breaker open in inlet', async () => {
      const stats = service.manager.connector('docs')?.circuitBreaker.getStats();
      return stats?.state === 'open' ? Date.parse(stats.opened_at!) : undefined;
    }, 10_000))!;
    const firing = (await eventually('the breaker alert firing', async () => (await breakerAlerts()).find((a) => a.state === 'firing'), 30_000))!;
    expect(firing.labels).toMatchObject({ alertname: 'InletCircuitBreakerOpen', connector: 'docs', kind: 'local', job: 'inlet', severity: 'page' });
    expect(firing.annotations.summary).toBe('Circuit breaker of connector docs (local) has not closed for 5 minutes');
    expect(firing.annotations.description).toContain('`inlet breaker stats docs`');
    // Pending from the first scrape that saw it open (within a scrape and an evaluation of the opening), firing 5 s on.
    expect(Date.parse(firing.activeAt)).toBeGreaterThanOrEqual(openedAt - 1000);
    expect(Date.now() - Date.parse(firing.activeAt)).toBeGreaterThanOrEqual(5000);
    const [open] = await query('inlet_breaker_state{connector="docs",state="open"}');
    expect(open.value[1]).toBe('1');
  }, 60_000);
});
