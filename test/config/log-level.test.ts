import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import { problemsOf } from './problems-of.ts';

const levelOf = (yaml: string, env: Record<string, string> = {}) => parseConfig(yaml, 'inlet.yaml', env).log.level;

describe('log.level', () => {
  it('is info by default', () => {
    expect(levelOf('')).toBe('info');
  });

  it('comes from the file, which wins over INLET_LOG_LEVEL', () => {
    expect(levelOf('log:\n  level: debug\n')).toBe('debug');
    expect(levelOf('log:\n  level: warn\n', { INLET_LOG_LEVEL: 'trace' })).toBe('warn');
  });

  it('comes from INLET_LOG_LEVEL when the file leaves it out', () => {
    expect(levelOf('', { INLET_LOG_LEVEL: 'silent' })).toBe('silent');
    expect(levelOf('log: {}\n', { INLET_LOG_LEVEL: 'error' })).toBe('error');
  });

  it('names the levels it accepts, and where a bad one came from', () => {
    expect(problemsOf('log:\n  level: verbose\n')).toEqual(['log.level: expected one of trace, debug, info, warn, error, fatal, silent, got "verbose"']);
    expect(problemsOf('', { INLET_LOG_LEVEL: 'loud' })).toEqual([
      'log.level: expected one of trace, debug, info, warn, error, fatal, silent, got "loud" (from INLET_LOG_LEVEL)',
    ]);
  });
});
