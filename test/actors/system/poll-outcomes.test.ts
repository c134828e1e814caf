import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { BreakerOpenError } from '../../../src/actors/breaker/breaker-open-error.ts';
import { QueueFullError, QueueUnavailableError } from '../../../src/actors/queue/queue-errors.ts';
import { RateLimitedError, SourceHttpError, SourceNotFoundError, SourcePermanentError } from '../../../src/actors/sources/source-errors.ts';
import { pollErrorClassOf } from '../../../src/actors/system/poll-error-class.ts';
import { PollOutcomes } from '../../../src/actors/system/poll-outcomes.ts';

/** The inspection event of a poll actor's done or error event reaching connector `name`. */
function pollEnded(name: string, error?: unknown): InspectionEvent {
  const event = error === undefined ? { type: 'xstate.done.actor.poll', output: {} } : { type: 'xstate.error.actor.poll', error };
  return { type: '@xstate.snapshot', event, actorRef: { systemId: `connector:${name}` } } as unknown as InspectionEvent;
}

describe('pollErrorClassOf', () => {
  it('classes source errors by their code: rate limits, permanent failures as auth, 4xx and 404 as bad responses, 5xx as outages', () => {
    expect(pollErrorClassOf(new RateLimitedError('github', 60_000, 'secondary rate limit'))).toBe('rate_limited');
    expect(pollErrorClassOf(new SourcePermanentError('github', 401, 'Bad credentials'))).toBe('auth');
    expect(pollErrorClassOf(new SourceNotFoundError('notion', 'no such page'))).toBe('bad_response');
    expect(pollErrorClassOf(new SourceHttpError('confluence', 422, 'unprocessable'))).toBe('bad_response');
    expect(pollErrorClassOf(new SourceHttpError('confluence', 503, 'unavailable'))).toBe('outage');
  });

  it('classes queue refusals as queue, a body that does not parse as a bad response, anything else as an outage', () => {
    expect(pollErrorClassOf(new QueueFullError(10, 10, 1))).toBe('queue');
    expect(pollErrorClassOf(new QueueUnavailableError(new Error('ECONNREFUSED')))).toBe('queue');
    expect(pollErrorClassOf(new SyntaxError('Unexpected token < in JSON'))).toBe('bad_response');
    expect(pollErrorClassOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe('outage');
    expect(pollErrorClassOf(Object.assign(new Error("ENOENT: no such file or directory, scandir '/docs'"), { code: 'ENOENT' }))).toBe('outage');
    expect(pollErrorClassOf('a string')).toBe('outage');
  });
});

describe('PollOutcomes counts', () => {
  it('counts finished polls by outcome per connector, every outcome present from the start', () => {
    const outcomes = new PollOutcomes();
    expect(outcomes.countsOf('gh')).toEqual({ done: 0, outage: 0, rate_limited: 0, auth: 0, bad_response: 0, queue: 0 });
    outcomes.observe(pollEnded('gh'));
    outcomes.observe(pollEnded('gh'));
    outcomes.observe(pollEnded('gh', new SourceHttpError('github', 502, 'bad gateway')));
    outcomes.observe(pollEnded('gh', new RateLimitedError('github', 1000, 'slow down')));
    outcomes.observe(pollEnded('docs', new Error('EACCES')));
    expect(outcomes.countsOf('gh')).toEqual({ done: 2, outage: 1, rate_limited: 1, auth: 0, bad_response: 0, queue: 0 });
    expect(outcomes.countsOf('docs')).toMatchObject({ done: 0, outage: 1 });
  });

  it('does not count a poll an open breaker refused: it never reached the source', () => {
    const outcomes = new PollOutcomes();
    outcomes.observe(pollEnded('gh', new BreakerOpenError('gh')));
    expect(Object.values(outcomes.countsOf('gh')).reduce((a, b) => a + b)).toBe(0);
    expect(outcomes.of('gh')).toBeUndefined();
  });
});
