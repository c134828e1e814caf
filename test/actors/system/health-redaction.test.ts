import { describe, expect, it } from 'vitest';
import { createSecretScrubber, REDACTED } from '../../../src/actors/log/secret-scrubber.ts';
import { type HealthReport, redactHealthReport } from '../../../src/actors/system/health-report.ts';

const ODD = ['quo"te-secret', 'back\\slash-secret', 'tab\tsecret', 'abc', 'ghp_configuredTokenValue'];

function reportWith(text: string): HealthReport {
  return {
    status: 'degraded',
    connectors: [
      { name: 'gh', kind: 'github', status: 'degraded', stats: { errors: 1, last_error: text, last_sync: null }, circuit_breaker: 'open', source: { note: text } },
    ],
    queue: { state: 'error', error: text, checked_at: null },
    workers: [{ id: 'worker-0', status: 'backing_off', stats: { last_error: text } }],
    reasons: [`connector gh is degraded: ${text}`],
  };
}

describe('redactHealthReport', () => {
  it('scrubs every configured secret, odd ones included, from every string an upstream put in health', () => {
    const scrub = createSecretScrubber(ODD);
    for (const secret of ODD) {
      const redacted = redactHealthReport(reportWith(`401 from upstream: credentials ${secret} rejected`), scrub);
      const json = JSON.stringify(redacted);
      expect(json).not.toContain(JSON.stringify(secret).slice(1, -1));
      expect(redacted.connectors[0].stats.last_error).toBe(`401 from upstream: credentials ${REDACTED} rejected`);
      expect(redacted.queue?.error).toBe(`401 from upstream: credentials ${REDACTED} rejected`);
      expect(redacted.workers[0].stats.last_error).toBe(`401 from upstream: credentials ${REDACTED} rejected`);
      expect(redacted.reasons[0]).toContain(REDACTED);
      expect(redacted.connectors[0].source).toEqual({ note: `401 from upstream: credentials ${REDACTED} rejected` });
    }
  });

  it('scrubs an echoed Authorization header whose token is not configured, and keeps the shape and numbers', () => {
    const report = reportWith('Bad credentials; request headers: {"Authorization":"token ghp_0123456789abcdefghijABCDEFGHIJ"}');
    const redacted = redactHealthReport(report, createSecretScrubber([]));
    expect(JSON.stringify(redacted)).not.toContain('ghp_0123456789');
    expect(redacted.connectors[0]).toMatchObject({ name: 'gh', circuit_breaker: 'open', stats: { errors: 1, last_sync: null } });
    expect(report.connectors[0].stats.last_error).toContain('ghp_0123456789');
  });
});
