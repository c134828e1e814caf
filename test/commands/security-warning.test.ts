import { describe, expect, it } from 'vitest';
import { securityWarningOf } from '../../src/commands/security-warning.ts';

describe('securityWarningOf', () => {
  it('warns in one line when bound beyond loopback without any token, naming the keys to set', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5']) {
      const warning = securityWarningOf({ host, admin_token: '', read_token: '' });
      expect(warning).toMatch(/^SECURITY: .*server\.admin_token.*server\.read_token/);
      expect(warning).not.toContain('\n');
    }
  });

  it('stays quiet on loopback or with a token', () => {
    expect(securityWarningOf({ host: '127.0.0.1', admin_token: '', read_token: '' })).toBeUndefined();
    expect(securityWarningOf({ host: '0.0.0.0', admin_token: 'a-token', read_token: '' })).toBeUndefined();
    expect(securityWarningOf({ host: '0.0.0.0', admin_token: '', read_token: 'r-token' })).toBeUndefined();
  });
});
