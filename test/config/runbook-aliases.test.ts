import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { parseConfig } from '../../src/config/load-config.ts';

const parse = (yaml: string) => parseConfig(yaml, 'inlet.yaml', {});
const problemsOf = (yaml: string): string[] => {
  try {
    parse(yaml);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
};

describe("the runbook's max_queue_size", () => {
  it('sets queue.max_size at the top level or under queue, as the runbook tells operators to', () => {
    expect(parse('max_queue_size: 50000\n').queue.max_size).toBe(50_000);
    expect(parse('queue:\n  max_queue_size: 40000\n').queue.max_size).toBe(40_000);
    expect(parse('max_queue_size: 30000\nqueue:\n  max_size: 30000\n').queue.max_size).toBe(30_000);
    expect(parse('queue:\n  name: q\n').queue.max_size).toBe(10_000);
  });

  it('refuses two different values for the same setting, naming the alias', () => {
    expect(problemsOf('max_queue_size: 50000\nqueue:\n  max_size: 20000\n')).toEqual([
      "max_queue_size: the runbook's name for queue.max_size, which is also set to another value; keep one",
    ]);
    expect(problemsOf('max_queue_size: 1\nqueue:\n  max_queue_size: 2\n')).toEqual([
      "queue.max_queue_size: the runbook's name for queue.max_size, which is also set to another value; keep one",
    ]);
  });

  it('validates the value as queue.max_size, under that key', () => {
    expect(problemsOf('max_queue_size: -5\n').join('\n')).toMatch(/^queue\.max_size: /);
  });
});
