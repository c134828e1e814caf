import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel, REDACTED, secretPaths } from '../../../src/actors/log/logger.ts';

/** A logger writing into an array; `lines()` parses what was written. */
function capture(options: { level?: LogLevel; secrets?: string[] } = {}) {
  const raw: string[] = [];
  const logger = createLogger({ level: options.level, secrets: options.secrets ?? [], destination: { write: (line: string) => raw.push(line) } });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const TOKEN = 'ghp_S3cr3tT0kenValue1234';

/** Every string in a parsed line, at any depth. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}
const HOOK_SECRET = 'hook-secret-"quoted"\\value';

describe('createLogger', () => {
  it('writes one JSON object per line, with the level as a word, an ISO time and the message', () => {
    const { logger, raw, lines } = capture();
    logger.info('actor system started', { connectors: ['docs'] });
    logger.warn('queue cleared through the API');
    expect(raw).toHaveLength(2);
    for (const line of raw) expect(line.endsWith('\n')).toBe(true);
    const [first, second] = lines();
    expect(first).toMatchObject({ level: 'info', message: 'actor system started', connectors: ['docs'] });
    expect(new Date(first.time as string).toISOString()).toBe(first.time);
    expect(second).toMatchObject({ level: 'warn', message: 'queue cleared through the API' });
  });

  it('drops lines below the configured level and writes nothing when silent', () => {
    const warnOnly = capture({ level: 'warn' });
    warnOnly.logger.info('routine');
    warnOnly.logger.warn('worth a look');
    warnOnly.logger.error('broken');
    expect(warnOnly.lines().map((l) => l.level)).toEqual(['warn', 'error']);

    const silent = capture({ level: 'silent' });
    silent.logger.error('broken');
    expect(silent.raw).toEqual([]);
  });

  it('defaults to info', () => {
    const { logger, lines } = capture();
    logger.info('shown');
    expect(lines().map((l) => l.message)).toEqual(['shown']);
  });

  it('writes an error under `error` or `err` with its type, stack and cause', () => {
    const { logger, lines } = capture();
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    const error = new Error('poll failed', { cause });
    logger.error('poll failed', { error });
    logger.error('poll failed', { err: error });
    logger.warn('probe failed', { failure: error });
    for (const line of lines()) {
      const written = (line.error ?? line.err ?? line.failure) as Record<string, unknown>;
      expect(written).toMatchObject({ type: 'Error', message: 'poll failed' });
      expect(written.stack).toMatch(/^Error: poll failed\n\s+at /);
      expect(written.cause).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:6379', code: 'ECONNREFUSED' });
      expect((written.cause as { stack: string }).stack).toMatch(/^Error: connect ECONNREFUSED/);
    }
  });

  it('redacts secret keys at any depth it logs them, headers included', () => {
    const { logger, raw, lines } = capture();
    logger.info('config', {
      token: 'plain-token',
      connector: { webhook_secret: 'wh', metadata: { api_key: 'k' } },
      server: { admin_token: 'adm' },
      redis: { options: { auth: { password: 'pw' } } },
      request: { headers: { authorization: 'Bearer abc', Authorization: 'Bearer def', 'x-api-key': 'xk', cookie: 'c=1', accept: 'application/json' } },
    });
    const [line] = lines();
    expect(line.token).toBe(REDACTED);
    expect(line.connector).toEqual({ webhook_secret: REDACTED, metadata: { api_key: REDACTED } });
    expect(line.server).toEqual({ admin_token: REDACTED });
    expect(line.redis).toEqual({ options: { auth: { password: REDACTED } } });
    expect(line.request).toEqual({
      headers: { authorization: REDACTED, Authorization: REDACTED, 'x-api-key': REDACTED, cookie: REDACTED, accept: 'application/json' },
    });
    for (const value of ['plain-token', 'Bearer abc', 'Bearer def', '"wh"', '"adm"', '"pw"', '"xk"']) expect(raw[0]).not.toContain(value);
  });

  it('lets no configured secret value reach the log, on the error paths too', () => {
    const { logger, raw, lines } = capture({ secrets: [TOKEN, HOOK_SECRET] });
    const cause = new Error(`401 Bad credentials for token ${TOKEN}`);
    const error = new Error(`GET https://api.github.com/repos/o/r?access_token=${TOKEN} failed`, { cause });
    error.stack = `${error.stack}\n    at request (octokit ${TOKEN})`;
    logger.error(`poll failed with ${TOKEN}`, { error });
    logger.warn('retrying', { err: error, detail: `secret was ${HOOK_SECRET}`, nested: { deep: { text: `x${TOKEN}y` } } });
    logger.info('request', { headers: { 'user-agent': 'inlet', 'x-github-token': TOKEN }, list: [HOOK_SECRET] });
    expect(raw).toHaveLength(3);
    for (const line of raw) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(HOOK_SECRET);
      expect(line).not.toContain(JSON.stringify(HOOK_SECRET).slice(1, -1));
      expect(line).not.toContain('S3cr3t');
    }
    const [first, second, third] = lines();
    expect(first.message).toBe(`poll failed with ${REDACTED}`);
    const written = first.error as { message: string; stack: string; cause: { message: string; stack: string } };
    expect(written.message).toContain(`access_token=${REDACTED}`);
    expect(written.stack).toContain(`octokit ${REDACTED}`);
    expect(written.cause.message).toBe(`401 Bad credentials for token ${REDACTED}`);
    expect(written.cause.stack).toContain(REDACTED);
    expect(second.detail).toBe(`secret was ${REDACTED}`);
    expect(second.nested).toEqual({ deep: { text: `x${REDACTED}y` } });
    expect(third.headers).toEqual({ 'user-agent': 'inlet', 'x-github-token': REDACTED });
    expect(third.list).toEqual([REDACTED]);
  });

  it('masks secrets holding quotes, backslashes, control characters, and short ones, wherever they are written', () => {
    // Issue 13: masking the finished JSON line missed these, e.g. inside an upstream's JSON body quoted in an error.
    const odd = ['quo"te-secret', 'back\\slash-secret', 'tab\tsecret', 'abc'];
    const { logger, raw, lines } = capture({ secrets: odd });
    for (const secret of odd) {
      const body = JSON.stringify({ message: 'Bad credentials', token: secret });
      const error = new Error(`upstream said ${body}: token ${secret} rejected`, { cause: new Error(`GET /x?key=${encodeURIComponent(secret)}`) });
      logger.error(`poll failed for ${secret}`, { error, detail: `value=${secret};`, nested: { list: [secret] } });
    }
    expect(raw).toHaveLength(odd.length);
    for (const line of lines()) {
      for (const text of stringsOf(line)) {
        for (const secret of odd) {
          for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
            if (secret.length < 4) expect(text).not.toMatch(new RegExp(`(?<![A-Za-z0-9])${form}(?![A-Za-z0-9])`));
            else expect(text).not.toContain(form);
          }
        }
      }
      expect(line.message).toBe(`poll failed for ${REDACTED}`);
      expect(line.detail).toBe(`value=${REDACTED};`);
      expect(line.nested).toEqual({ list: [REDACTED] });
      expect((line.error as { message: string }).message).toBe(`upstream said {"message":"Bad credentials","token":"${REDACTED}"}: token ${REDACTED} rejected`);
      expect((line.error as { cause: { message: string } }).cause.message).toBe(`GET /x?key=${REDACTED}`);
    }
  });

  it('masks a short secret only where it stands alone, so ordinary words survive', () => {
    const { logger, lines } = capture({ secrets: ['in', ''] });
    logger.info('inlet started', { note: 'token in header' });
    expect(lines()[0]).toMatchObject({ message: 'inlet started', note: `token ${REDACTED} header` });
  });

  it('masks credentials an upstream echoed back even when they are not configured', () => {
    const { logger, raw } = capture();
    logger.warn('poll failed', { error: new Error('401: request had Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789') });
    logger.warn('notion said', { detail: 'bad key secret_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 (Bearer ntn_ABCDEFGHIJKLMNOPQRSTUVWXYZ)' });
    expect(raw.join('')).not.toMatch(/ghp_abc|secret_ABC|ntn_ABC/);
  });

  it('writes an error and a cycle without throwing', () => {
    const { logger, lines } = capture();
    const looped: Record<string, unknown> = { name: 'loop' };
    looped.self = looped;
    logger.info('cycle', { looped });
    expect(lines()[0].looped).toEqual({ name: 'loop', self: '[circular]' });
  });
});

describe('secretPaths', () => {
  it('covers a key at the top level and three levels down, bracketing keys that are not identifiers', () => {
    expect(secretPaths(['token', 'x-api-key'], 2)).toEqual(['token', '*.token', '*.*.token', '["x-api-key"]', '*["x-api-key"]', '*.*["x-api-key"]']);
  });
});
