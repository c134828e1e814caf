import { afterEach, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/actors/system/health-report.ts';
import type { QueueStats } from '../../src/model/queue-stats.ts';
import { jsonOf, startTempService, type TempService } from '../support/temp-service.ts';

type ErrorBody = { error: { code: string; message: string } };

let service: TempService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
});

describe('HTTP API', () => {
  it('answers GET /webhooks/health in the runbook shape', async () => {
    service = await startTempService();
    const response = await fetch(`${service.url}/webhooks/health`);
    expect(response.status).toBe(200);
    const body = await jsonOf<HealthReport>(response);
    expect(['healthy', 'degraded']).toContain(body.status);
    expect(body.connectors).toHaveLength(1);
    const [docs] = body.connectors;
    expect(docs).toMatchObject({ name: 'docs', circuit_breaker: 'closed' });
    expect(typeof docs.status).toBe('string');
    expect(Object.keys(docs.stats)).toEqual(expect.arrayContaining(['events_received', 'events_queued', 'errors', 'last_sync']));
  });

  it('answers GET /queue/stats with exactly the runbook keys', async () => {
    service = await startTempService();
    const body = await jsonOf<QueueStats>(fetch(`${service.url}/queue/stats`));
    expect(Object.keys(body).sort()).toEqual(['backpressure', 'max_size', 'queue_name', 'size', 'usage_pct']);
    expect(body.queue_name).toBe(service.config.queue.name);
  });

  it('answers unknown routes and connectors with a JSON error, never a stack trace', async () => {
    service = await startTempService();
    const missing = await fetch(`${service.url}/nope`);
    expect(missing.status).toBe(404);
    expect((await jsonOf<ErrorBody>(missing)).error.code).toBe('NOT_FOUND');
    const unknown = await fetch(`${service.url}/connectors/jira/breaker/reset`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    const body = await jsonOf<ErrorBody>(unknown);
    expect(body.error).toEqual({ code: 'UNKNOWN_CONNECTOR', message: "no connector named 'jira'; known: docs" });
    const wrongMethod = await fetch(`${service.url}/queue/stats`, { method: 'PUT' });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.text()).not.toMatch(/at .*\.ts:\d+/);
  });

  it('rejects a bad dead-letter limit with 400 and a reason', async () => {
    service = await startTempService();
    const response = await fetch(`${service.url}/queue/dead-letters?limit=abc`);
    expect(response.status).toBe(400);
    expect((await jsonOf<ErrorBody>(response)).error.code).toBe('BAD_LIMIT');
  });

  it('resets a breaker and reports its stats', async () => {
    service = await startTempService();
    const response = await fetch(`${service.url}/connectors/docs/breaker/reset`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toMatchObject({ state: 'closed', failure_count: 0, opened_at: null });
  });

  it('requires the admin token for queue clear and breaker reset once one is configured', async () => {
    service = await startTempService({ adminToken: 'admin-token-123' });
    expect((await fetch(`${service.url}/queue`, { method: 'DELETE' })).status).toBe(401);
    const wrong = await fetch(`${service.url}/queue`, { method: 'DELETE', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('admin-token-123');
    const right = await fetch(`${service.url}/queue?confirm=true`, { method: 'DELETE', headers: { authorization: 'Bearer admin-token-123' } });
    expect(right.status).toBe(200);
    expect((await jsonOf<QueueStats>(right)).size).toBe(0);
  });
});
