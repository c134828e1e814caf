import { afterEach, describe, expect, it } from 'vitest';
import { cqlDate, deltaCql } from '../../../../src/actors/sources/confluence/confluence-cql.ts';
import { confluenceOptionsOf } from '../../../../src/actors/sources/confluence/confluence-options.ts';
import { connectorSchema } from '../../../../src/config/schema.ts';
import { type FakeConfluence, startFakeConfluence } from '../../../support/fake-confluence.ts';
import { wallTimeToInstant } from '../../../support/fake-confluence-cql.ts';
import { confluencePoller, confluenceSourceFor, minutesAgo, summary } from './confluence-test-kit.ts';

let fake: FakeConfluence | undefined;
afterEach(async () => fake?.close());

const optionsWith = (metadata: Record<string, unknown>) =>
  confluenceOptionsOf('wiki', connectorSchema.parse({ metadata: { base_url: 'https://acme.atlassian.net/wiki', spaces: ['ENG'], ...metadata } }));

describe('Confluence delta across time zones', () => {
  it('finds a page edited a minute after the cursor on a site west of UTC (Pacific/Honolulu, UTC-10) with no zone configured', async () => {
    fake = await startFakeConfluence({ siteZone: 'Pacific/Honolulu' });
    fake.addPage({ space: 'ENG', title: 'Old', modifiedAt: minutesAgo(10) });
    const p = confluencePoller(confluenceSourceFor(fake));
    await p.poll();
    const since = Date.parse((p.state.cursor as { since: string }).since);
    const id = fake.addPage({ space: 'ENG', title: 'Just after', modifiedAt: since + 60_000 });
    expect(summary(await p.poll())).toEqual(['upsert Just after']);
    // The naive query, the cursor written in UTC and read in Honolulu time, starts ten hours late and misses it.
    const naive = wallTimeToInstant(cqlDate(since, undefined).split(/[- :]/).map(Number) as [number, number, number, number, number], 'Pacific/Honolulu');
    expect(naive).toBeGreaterThan(fake.pages.get(id)!.modifiedAt);
  });

  it('finds a page edited just after the cursor when the site zone (Europe/Berlin) changes to summer time in between', async () => {
    fake = await startFakeConfluence({ siteZone: 'Europe/Berlin' });
    // 2026-03-29 01:00 UTC: Berlin clocks jump from 02:00 to 03:00.
    fake.addPage({ space: 'ENG', title: 'Before the shift', modifiedAt: '2026-03-29T00:58:00Z' });
    const p = confluencePoller(confluenceSourceFor(fake, { time_zone: 'Europe/Berlin', overlap_minutes: 0 }));
    await p.poll();
    expect((p.state.cursor as { since: string }).since).toBe('2026-03-29T00:58:00.000Z');
    fake.addPage({ space: 'ENG', title: 'After the shift', modifiedAt: '2026-03-29T00:59:00Z' });
    fake.addPage({ space: 'ENG', title: 'Later', modifiedAt: '2026-03-29T01:01:00Z' });
    expect(summary(await p.poll())).toEqual(['upsert After the shift', 'upsert Later']);
    const cql = fake.requests.find((r) => r.path.endsWith('/content/search'))!.query.cql!;
    expect(cql).toContain('lastmodified >= "2026-03-29 00:58"'); // 23:58 UTC (00:58 minus the 1 h slack), in CET
  });

  it('finds a page edited just after the cursor when the cursor falls in the repeated hour as Berlin leaves summer time', async () => {
    fake = await startFakeConfluence({ siteZone: 'Europe/Berlin' });
    // 2026-10-25 01:00 UTC: Berlin clocks go back from 03:00 to 02:00, so 02:30 happens twice.
    fake.addPage({ space: 'ENG', title: 'Before', modifiedAt: '2026-10-25T00:30:00Z' });
    const p = confluencePoller(confluenceSourceFor(fake, { time_zone: 'Europe/Berlin', overlap_minutes: 0 }));
    await p.poll();
    const id = fake.addPage({ space: 'ENG', title: 'In the repeated hour', modifiedAt: '2026-10-25T00:31:00Z' });
    expect(summary(await p.poll())).toEqual(['upsert In the repeated hour']);
    // Without the hour of slack, "02:30" may be read as the second 02:30 (01:30 UTC) and the edit would be missed.
    const unslacked = wallTimeToInstant([2026, 10, 25, 2, 30], 'Europe/Berlin');
    expect(cqlDate(Date.parse('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25 02:30');
    expect(unslacked).toBeGreaterThan(fake.pages.get(id)!.modifiedAt);
  });

  it('finds a page edited just after the cursor on a site east of UTC (UTC+10) with no zone configured', async () => {
    fake = await startFakeConfluence({ siteZone: 'Australia/Brisbane' });
    fake.addPage({ space: 'ENG', title: 'Old', modifiedAt: minutesAgo(10) });
    const p = confluencePoller(confluenceSourceFor(fake));
    await p.poll();
    const since = Date.parse((p.state.cursor as { since: string }).since);
    fake.addPage({ space: 'ENG', title: 'Just after', modifiedAt: since + 60_000 });
    expect(summary(await p.poll())).toEqual(['upsert Just after']);
  });

  it('writes CQL dates in the configured zone, and starts 15 h early when the zone is unknown', () => {
    const at = Date.parse('2026-07-01T12:34:56Z');
    expect(cqlDate(at, 'Europe/Berlin')).toBe('2026-07-01 14:34');
    expect(deltaCql(optionsWith({ overlap_minutes: 5 }), at)).toContain('lastmodified >= "2026-06-30 21:29"');
    expect(deltaCql(optionsWith({ overlap_minutes: 5, time_zone: 'Europe/Berlin' }), at)).toContain('lastmodified >= "2026-07-01 13:29"');
  });
});
