/**
 * The runbook's spelling of a key where it differs from inlet.yaml's: its troubleshooting step says "increase
 * `max_queue_size` in config", so that name is taken, at the top level or under `queue`, as `queue.max_size`.
 * Without this both would be refused as unknown keys.
 * Returns the problems found (the same setting given twice with different values), each naming its key.
 */
export function applyRunbookAliases(config: Record<string, unknown>): string[] {
  const queue = isObject(config.queue) ? { ...config.queue } : {};
  const given: Array<[string, unknown]> = [];
  if ('max_queue_size' in config) given.push(['max_queue_size', config.max_queue_size]);
  if ('max_queue_size' in queue) given.push(['queue.max_queue_size', queue.max_queue_size]);
  if (given.length === 0) return [];
  delete config.max_queue_size;
  delete queue.max_queue_size;
  if ('max_size' in queue) given.unshift(['queue.max_size', queue.max_size]);
  const distinct = new Set(given.map(([, value]) => String(value)));
  if (distinct.size > 1) {
    config.queue = queue; // without the aliases, so the conflict is the one problem reported about them
    const [, ...aliases] = given;
    return aliases.map(([key]) => `${key}: the runbook's name for queue.max_size, which is also set to another value; keep one`);
  }
  config.queue = { ...queue, max_size: given[0][1] };
  return [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
