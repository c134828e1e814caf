import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hasPrometheusBinary, prometheusSkipReason } from '../support/promtool.ts';

// deploy/prometheus/alerts.yml, the runbook's alerts as Prometheus rules (issue 14 parts 3 and 4), and their promtool
// unit tests in alerts.test.yml.
const rulesPath = fileURLToPath(new URL('../../deploy/prometheus/alerts.yml', import.meta.url));
const testsPath = fileURLToPath(new URL('../../deploy/prometheus/alerts.test.yml', import.meta.url));

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
const rules = (parse(readFileSync(rulesPath, 'utf8')) as { groups: { rules: AlertRule[] }[] }).groups.flatMap((g) => g.rules);

interface AlertTest {
  alertname: string;
  exp_alerts: { exp_labels: Record<string, string> }[];
}
const alertTests = (parse(readFileSync(testsPath, 'utf8')) as { tests: { alert_rule_test: AlertTest[] }[] }).tests.flatMap((t) => t.alert_rule_test);

/** Runs promtool; the result carries its output for the failure message. */
function promtool(...args: string[]) {
  const result = spawnSync('promtool', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.error?.message ?? ''}${result.stdout}${result.stderr}` };
}

/** The runbook's "Alerts" section: which alerts page (the rest are warnings), and their thresholds. */
const RUNBOOK_SEVERITY: Record<string, 'page' | 'warning'> = {
  InletCircuitBreakerOpen: 'page',
  InletQueueBackpressure: 'warning',
  InletHighErrorRate: 'page',
  InletWebhookFailures: 'warning',
  InletSlowFreshness: 'warning',
  InletDeadLettersGrowing: 'warning',
};

describe('deploy/prometheus/alerts.yml', () => {
  it('has the runbook four, freshness and dead letters, each with its severity and an annotation a human can act on', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(Object.keys(RUNBOOK_SEVERITY).sort());
    for (const rule of rules) {
      expect(rule.labels.severity, rule.alert).toBe(RUNBOOK_SEVERITY[rule.alert]);
      expect(rule.annotations.summary, rule.alert).toMatch(/\S/);
      // Each description names what to look at: an inlet command or a runbook section.
      expect(rule.annotations.description, rule.alert).toMatch(/`inlet [a-z]/);
      expect(rule.annotations.description, rule.alert).toMatch(/[Rr]unbook/);
    }
  });

  it('keeps the runbook durations: breaker 5 min, queue 10 min, freshness 15 min; rates over 5 min and 1 h', () => {
    const byName = new Map(rules.map((r) => [r.alert, r]));
    expect(byName.get('InletCircuitBreakerOpen')?.for).toBe('5m');
    expect(byName.get('InletQueueBackpressure')?.for).toBe('10m');
    expect(byName.get('InletQueueBackpressure')?.expr).toMatch(/inlet_queue_usage_ratio\) > 0\.9$/);
    expect(byName.get('InletHighErrorRate')?.expr).toMatch(/rate\(inlet_breaker_failures_total\[5m\]\)[\s\S]*\/[\s\S]*rate\(inlet_breaker_calls_total\[5m\]\)[\s\S]*> 0\.1/);
    expect(byName.get('InletWebhookFailures')?.expr).toMatch(/outcome=~"bad_signature\|refused"}\[1h\][\s\S]*\/[\s\S]*inlet_webhook_deliveries_total\[1h\][\s\S]*> 0\.5/);
    expect(byName.get('InletSlowFreshness')?.for).toBe('15m');
    expect(byName.get('InletSlowFreshness')?.expr).toMatch(/histogram_quantile\(0\.95,[\s\S]*inlet_change_to_searchable_seconds_bucket\[5m\][\s\S]*> 60/);
    expect(byName.get('InletDeadLettersGrowing')?.expr).toMatch(/delta\(inlet_queue_dead_letters\[15m\]\)\) > 0/);
  });

  it('has a unit test in which each alert fires and one in which it stays silent', () => {
    for (const { alert } of rules) {
      const cases = alertTests.filter((t) => t.alertname === alert);
      expect(cases.some((t) => t.exp_alerts.length > 0), `${alert} fires in a test`).toBe(true);
      // A firing case lists only the breaking series: the one just under the threshold is silent beside it.
      expect(cases.some((t) => t.exp_alerts.length === 0), `${alert} is silent in a test`).toBe(true);
    }
  });

  const skip = prometheusSkipReason('promtool', 'the promtool rule checks');
  describe.skipIf(skip !== undefined)('with promtool', () => {
    it('finds promtool (CI installs it; a missing one fails here rather than skipping)', () => {
      expect(hasPrometheusBinary('promtool')).toBe(true);
    });

    it('passes promtool check rules', () => {
      const result = promtool('check', 'rules', rulesPath);
      expect(result.status, result.output).toBe(0);
      expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
    });

    it('passes promtool test rules: each alert fires on a series that breaks it, silent just under its threshold', () => {
      const result = promtool('test', 'rules', testsPath);
      expect(result.status, result.output).toBe(0);
      expect(result.output).toContain('SUCCESS');
    });
  });
});
