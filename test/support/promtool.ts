import { spawnSync } from 'node:child_process';

/** Whether a binary of Debian's `prometheus` package (`promtool`, `prometheus`) answers `--version` on the PATH. */
export function hasPrometheusBinary(name: 'promtool' | 'prometheus'): boolean {
  const result = spawnSync(name, ['--version'], { encoding: 'utf8' });
  return result.error === undefined && result.status === 0;
}

/**
 * Why tests that need `name` skip here, or undefined when they run. They skip (saying why, once) only outside CI: in
 * CI (`CI` set, as .ci/run sets it) they run and fail without the binary, so a red run cannot hide as a skip.
 */
export function prometheusSkipReason(name: 'promtool' | 'prometheus', suite: string): string | undefined {
  if (hasPrometheusBinary(name) || process.env.CI) return undefined;
  const reason = `${name} is not installed (apt-get install -y prometheus; .ci/run installs it)`;
  console.warn(`skipping ${suite}: ${reason}`);
  return reason;
}
