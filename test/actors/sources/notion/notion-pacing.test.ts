import { afterEach, describe, expect, it } from 'vitest';
import { RequestPacer } from '../../../../src/actors/sources/http/request-pacer.ts';
import { block, type FakeNotion, startFakeNotion } from '../../../support/fake-notion.ts';
import { notionPoller, notionSourceFor } from './notion-test-kit.ts';

let notion: FakeNotion | undefined;
afterEach(async () => notion?.close());

/** A simulated clock: sleeping moves time forward at once. */
function simulatedClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, sleep: async (ms: number) => {
      now += ms;
    }, elapsed: () => now - start };
}

describe('Notion request pacing', () => {
  it('spaces N requests at least (N-1)/3 s apart at 3 requests per second', async () => {
    const clock = simulatedClock();
    const pacer = new RequestPacer({ requestsPerSecond: 3 }, clock);
    for (let i = 0; i < 10; i++) await pacer.take();
    expect(clock.elapsed()).toBeGreaterThanOrEqual((9 / 3) * 1000 - 1);
    expect(pacer.figures).toMatchObject({ requests: 10, waited: 9 });
  });

  it('does not wait when requests are already slower than the limit', async () => {
    const clock = simulatedClock();
    const pacer = new RequestPacer({ requestsPerSecond: 3 }, clock);
    await pacer.take();
    await clock.sleep(1000);
    await pacer.take();
    expect(pacer.figures.waited).toBe(0);
  });

  it('keeps a whole poll under the limit and reports the pacing in health', async () => {
    notion = await startFakeNotion();
    for (let i = 0; i < 4; i++) notion.addPage({ title: `P${i}`, blocks: [block.paragraph('x')] });
    const clock = simulatedClock();
    const source = notionSourceFor(notion, { requests_per_second: 3 }, { clock });
    await notionPoller(source).poll();
    const n = notion.requests.length;
    expect(n).toBeGreaterThanOrEqual(5); // one search, four block listings
    expect(clock.elapsed()).toBeGreaterThanOrEqual(((n - 1) / 3) * 1000 - 1);
    expect(source.health()).toMatchObject({ pacing: { requests_per_second: 3, requests: n } });
  });
});
