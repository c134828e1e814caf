import { spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/actors/log/logger.ts';
import { connectorSchema } from '../../src/config/schema.ts';
import { createApp } from '../../src/http/create-app.ts';
import { prometheusSkipReason } from '../support/promtool.ts';
import { eventually, startTempService, type TempService } from '../support/temp-service.ts';

/** One series of a scrape. */
interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A scrape parsed: the series and each metric's `# TYPE`. */
interface Scrape {
  text: string;
  series: Series[];
  types: Map<string, string>;
}

const SECRET = 'metrics-test-webhook-secret';
const sign = (secret: string, body: Buffer | string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
/** A recorded push to Codertocat/Hello-World's default branch (test/fixtures/README.md). */
const push = readFileSync(new URL('../fixtures/github/push.with-new-branch.payload.json', import.meta.url));

/** Parses Prometheus text format as prom-client writes it (no timestamps, no escaped newlines in these tests). */
function parse(text: string): Scrape {
  const series: Series[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a series line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    series.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return { text, series, types };
}

/** The value of the one series of `name` whose labels include `labels`; undefined when there is none. */
function seriesValue(scrape: Scrape, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = scrape.series.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} series of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

async function scrape(url: string, token?: string): Promise<Scrape> {
  const response = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parse(await response.text());
}

/** Scrapes `url` until `ready` holds for a scrape, and returns that one. */
async function scrapeUntil(what: string, url: string, ready: (s: Scrape) => boolean): Promise<Scrape> {
  let last: Scrape | undefined;
  await eventually(what, async () => {
    last = await scrape(url);
    return ready(last);
  });
  return last as Scrape;
}

/** Node's default metrics, whose names prom-client chose: three gauges end in `_total` (`nodejs_active_handles_total`). */
const isDefaultMetric = (name: string) => /^inlet_(process|nodejs)_/.test(name);

const docs = { connector: 'docs', kind: 'local' };

let service: TempService | undefined;
let extraServer: Server | undefined;
afterEach(async () => {
  if (extraServer) await new Promise((resolve) => extraServer!.close(resolve));
  extraServer = undefined;
  await service?.stop();
  service = undefined;
});

describe('GET /metrics', () => {
  it("serves Node's default metrics and inlet's own, every name prefixed inlet_ and every counter ending in _total", async () => {
    service = await startTempService();
    const first = await scrapeUntil('a queue reading', service.url, (s) => seriesValue(s, 'inlet_queue_state', { state: 'flowing' }) === 1);
    for (const [name, type] of first.types) {
      expect(name).toMatch(/^inlet_/);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      else if (!isDefaultMetric(name)) expect(name).not.toMatch(/_total$/);
    }
    expect(first.types.get('inlet_process_cpu_user_seconds_total')).toBe('counter');
    expect(first.types.get('inlet_nodejs_eventloop_lag_seconds')).toBe('gauge');
    // A state set: exactly one status is 1.
    const statuses = first.series.filter((s) => s.name === 'inlet_connector_status' && s.labels.connector === 'docs');
    expect(statuses.map((s) => s.labels.status)).toEqual(expect.arrayContaining(['idle', 'polling', 'degraded', 'rate_limited', 'paused', 'restarting']));
    expect(statuses.filter((s) => s.value === 1)).toHaveLength(1);
    expect(seriesValue(first, 'inlet_breaker_state', { ...docs, state: 'closed' })).toBe(1);
    expect(seriesValue(first, 'inlet_breaker_state', { ...docs, state: 'open' })).toBe(0);
    expect(seriesValue(first, 'inlet_queue_max_size')).toBe(10_000);
    expect(seriesValue(first, 'inlet_queue_backpressure')).toBe(0);
    expect(seriesValue(first, 'inlet_queue_usage_ratio')).toBeGreaterThanOrEqual(0);
    expect(seriesValue(first, 'inlet_worker_events_total', { outcome: 'dead' })).toBe(0);
    expect(first.types.get('inlet_queue_dead_letters')).toBe('gauge');
    expect(seriesValue(first, 'inlet_queue_dead_letters')).toBe(0);
  });

  it("moves the connector's event counters when a file is written to the watched folder", async () => {
    service = await startTempService();
    const before = await scrape(service.url);
    expect(seriesValue(before, 'inlet_connector_events_received_total', docs)).toBe(0);
    writeFileSync(join(service.docs, 'guide.md'), '# Guide\n\nHow to ingest.\n');
    const after = await scrapeUntil('the event counted', service.url, (s) => (seriesValue(s, 'inlet_connector_events_queued_total', docs) ?? 0) >= 1);
    expect(seriesValue(after, 'inlet_connector_events_received_total', docs)).toBeGreaterThanOrEqual(1);
    expect(seriesValue(after, 'inlet_connector_last_sync_timestamp_seconds', docs)).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('measures a file written to the watched folder from the watcher\'s notice (trigger watch) and its delete to gone', async () => {
    // No timed poll during the test: the watcher's notice is what asks for the poll that finds the file.
    service = await startTempService({ connector: ['poll_interval_seconds: 3600'] });
    const { url } = service;
    await scrapeUntil('the start-up poll', url, (s) => (seriesValue(s, 'inlet_connector_polls_total', { ...docs, outcome: 'done' }) ?? 0) >= 1);
    const path = join(service.docs, 'fresh.md');
    writeFileSync(path, '# Fresh\n\nJust written.\n');
    const watch = { connector: 'docs', trigger: 'watch' };
    const written = await scrapeUntil('the upsert measured', url, (s) => (seriesValue(s, 'inlet_change_to_searchable_seconds_count', watch) ?? 0) >= 1);
    expect(written.types.get('inlet_change_to_searchable_seconds')).toBe('histogram');
    expect(seriesValue(written, 'inlet_change_to_searchable_seconds_sum', watch)).toBeLessThan(60);
    expect(seriesValue(written, 'inlet_change_to_searchable_seconds_bucket', { ...watch, le: '600' })).toBe(1);
    expect(seriesValue(written, 'inlet_change_to_searchable_seconds_count', { connector: 'docs', trigger: 'poll' })).toBeUndefined();
    expect(seriesValue(written, 'inlet_source_change_to_searchable_seconds_count', { connector: 'docs' })).toBe(1);
    const lag = seriesValue(written, 'inlet_freshness_lag_seconds', { connector: 'docs' });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(60);
    const health = (await (await fetch(`${url}/webhooks/health`)).json()) as { connectors: { name: string; freshness_lag_seconds: number | null }[] };
    expect(health.connectors.find((c) => c.name === 'docs')?.freshness_lag_seconds).toBeGreaterThanOrEqual(0);

    rmSync(path);
    const deleted = await scrapeUntil('the delete measured', url, (s) => (seriesValue(s, 'inlet_delete_to_gone_seconds_count', { connector: 'docs' }) ?? 0) >= 1);
    expect(deleted.types.get('inlet_delete_to_gone_seconds')).toBe('histogram');
    expect(seriesValue(deleted, 'inlet_delete_to_gone_seconds_sum', { connector: 'docs' })).toBeLessThan(60);
    // A delete is no upsert: the change histograms did not move.
    expect(seriesValue(deleted, 'inlet_change_to_searchable_seconds_count', watch)).toBe(1);
  });

  it('counts polls by outcome: done while the folder reads, outage once it is gone', async () => {
    // Threshold 3: the poll whose failure opens the breaker is stopped with the connector's polling state, not counted.
    service = await startTempService({ connector: ['poll_interval_seconds: 1', 'circuit_breaker_failure_threshold: 3', 'circuit_breaker_timeout_seconds: 600'] });
    const polls = (s: Scrape, outcome: string) => seriesValue(s, 'inlet_connector_polls_total', { ...docs, outcome });
    const first = await scrapeUntil('a finished poll', service.url, (s) => (polls(s, 'done') ?? 0) >= 1);
    expect(first.types.get('inlet_connector_polls_total')).toBe('counter');
    expect(['outage', 'rate_limited', 'auth', 'bad_response', 'queue'].map((outcome) => polls(first, outcome))).toEqual([0, 0, 0, 0, 0]);
    rmSync(service.docs, { recursive: true, force: true });
    const failed = await scrapeUntil('the failed poll counted', service.url, (s) => (polls(s, 'outage') ?? 0) >= 1);
    expect(polls(failed, 'done')).toBeGreaterThanOrEqual(polls(first, 'done') ?? 0);
    expect(polls(failed, 'bad_response')).toBe(0);
  });

  it('shows a breaker forced open as state open 1, with when it opened and the failure counted', async () => {
    service = await startTempService({ connector: ['circuit_breaker_failure_threshold: 1', 'circuit_breaker_timeout_seconds: 600'], startPolling: false });
    const at = Date.now();
    service.manager.root.system.get('breaker:docs')!.send({ type: 'FAILURE', at, error: 'source down' });
    const s = await scrape(service.url);
    expect(seriesValue(s, 'inlet_breaker_state', { ...docs, state: 'open' })).toBe(1);
    expect(seriesValue(s, 'inlet_breaker_state', { ...docs, state: 'closed' })).toBe(0);
    expect(seriesValue(s, 'inlet_breaker_state', { ...docs, state: 'half_open' })).toBe(0);
    expect(seriesValue(s, 'inlet_breaker_opened_timestamp_seconds', docs)).toBe(at / 1000);
    expect(seriesValue(s, 'inlet_breaker_failures_total', docs)).toBe(1);
  });

  it('counts webhook deliveries by sender and outcome, and a flood of bad ones adds no series', async () => {
    service = await startTempService({ startPolling: false });
    service.manager.registerConnector(
      'gh',
      'github',
      connectorSchema.parse({
        kind: 'github',
        webhook_secret: SECRET,
        poll_interval_seconds: 3600,
        // Nothing listens on the discard port: the connector's own fetches fail fast and never leave the machine.
        metadata: { owner: 'Codertocat', repo: 'Hello-World', docs_path: '', api_url: 'http://127.0.0.1:9' },
      }),
    );
    const post = (body: Buffer, signature: string, id = randomUUID(), query = '') =>
      fetch(`${service!.url}/webhooks/github${query}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': id, 'x-hub-signature-256': signature },
      });
    const seriesCount = (s: Scrape) => s.series.filter((x) => x.name === 'inlet_webhook_deliveries_total').length;
    const before = await scrape(service.url);

    const id = randomUUID();
    expect((await post(push, sign(SECRET, push), id)).status).toBe(202);
    expect((await post(push, sign(SECRET, push), id)).status).toBe(200);
    // Each with a new delivery id and query: neither may become a label.
    for (let i = 0; i < 5; i++) {
      const notJson = Buffer.from(`not json ${i}`);
      expect((await post(notJson, sign(SECRET, notJson), randomUUID(), `?connector=gh-${i}`)).status).toBe(400);
    }
    for (let i = 0; i < 3; i++) expect((await post(push, sign('wrong', push), randomUUID(), `?connector=x-${i}`)).status).toBe(401);

    // The accepted delivery and its duplicate: both verified with the current secret.
    const after = await scrapeUntil('the secret matches counted', service.url, (s) => seriesValue(s, 'inlet_webhook_secret_matched_total', { connector: 'gh', secret: 'current' }) === 2);
    const deliveries = (outcome: string) => seriesValue(after, 'inlet_webhook_deliveries_total', { source: 'github', outcome });
    expect(deliveries('accepted')).toBe(1);
    expect(deliveries('duplicate')).toBe(1);
    expect(deliveries('bad_request')).toBe(5);
    expect(deliveries('bad_signature')).toBe(3);
    expect(deliveries('refused')).toBe(0);
    expect(seriesValue(after, 'inlet_webhook_deliveries_total', { source: 'notion', outcome: 'accepted' })).toBe(0);
    expect(seriesCount(after)).toBe(seriesCount(before));
    expect(seriesValue(after, 'inlet_webhook_secret_matched_total', { connector: 'gh', secret: 'previous' })).toBe(0);
    expect(after.text).not.toContain(SECRET);
  });

  it('needs the reader role once a token is set, and each app has its own registry', async () => {
    service = await startTempService({ startPolling: false });
    // A second app over the same manager, in the same process: prom-client's global registry would refuse its names.
    const app = createApp({ manager: service.manager, logger: silentLogger, adminToken: 'metrics-admin-token', readToken: 'metrics-read-token' });
    extraServer = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => extraServer!.once('listening', resolve));
    const address = extraServer.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const anonymous = await fetch(`${url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('READ_TOKEN_REQUIRED');
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const read = await scrape(url, 'metrics-read-token');
    expect(seriesValue(read, 'inlet_breaker_state', { ...docs, state: 'closed' })).toBe(1);
    expect(read.text).not.toContain('metrics-read-token');
    await scrape(url, 'metrics-admin-token');
  });

  it.skipIf(prometheusSkipReason('promtool', 'promtool check metrics') !== undefined)('passes promtool check metrics, but for the names prom-client gives Node default metrics', async () => {
    service = await startTempService();
    const { text } = await scrape(service.url);
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    // promtool writes one problem a line: the metric's name, then the problem.
    const problems = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.startsWith('inlet_') && !isDefaultMetric(line.split(' ')[0]));
    expect(problems).toEqual([]);
  });
});
