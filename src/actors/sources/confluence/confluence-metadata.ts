import { z } from 'zod';
import { flag, numberIn, optionalText, shown, stringList } from '../../../config/config-fields.ts';

const SITE_URL = "required, the site's URL (https://<site>.atlassian.net/wiki or the Data Center URL)";

/** `metadata` of a Confluence connector (README, "Confluence"). */
export const confluenceMetadataSchema = z.strictObject({
  /** Site root: `https://<site>.atlassian.net/wiki` or the Data Center URL; trailing slashes dropped. Required. */
  base_url: z
    .string({ error: (issue) => (issue.input == null ? SITE_URL : `${SITE_URL}, got ${shown(issue.input)}`) })
    .refine((url) => /^https?:\/\/[^/]+/.test(url) && URL.canParse(url), { error: (issue) => `${SITE_URL}, got ${shown(issue.input)}` })
    .transform((url) => url.replace(/\/+$/, '')),
  /** `cloud` (REST v2) or `datacenter` (REST v1). Default: cloud when the host ends in atlassian.net, else datacenter. */
  flavor: z.enum(['cloud', 'datacenter'], { error: (issue) => `expected 'cloud' or 'datacenter', got ${shown(issue.input)}` }).optional(),
  /** Space keys whose pages are ingested (a list, or comma-separated). Required. */
  spaces: stringList('required, a list of space keys', (key) => (/^~?[A-Za-z0-9_-]+$/.test(key) ? key : { problem: `'${key}' is not a space key` })).refine(
    (spaces) => spaces !== undefined && spaces.length > 0,
    'required, a list of space keys',
  ),
  /** Extra CQL ANDed to every delta query, e.g. `label = "public"`. Default none. */
  cql: z
    .string({ error: 'expected a CQL expression' })
    .nullish()
    .transform((cql) => (cql ?? '').trim()),
  /** Ingest blog posts too. Default false. */
  include_blogposts: flag(false),
  /** IANA zone CQL dates are read in (the API user's profile zone). Default unknown: a 15-hour window. */
  time_zone: optionalText()
    .refine((zone) => zone === '' || isTimeZone(zone), { error: (issue) => `'${String(issue.input)}' is not an IANA time zone` })
    .transform((zone) => (zone === '' ? undefined : zone)),
  /** How far behind the newest modification seen the next delta starts, minutes. Default 5. */
  overlap_minutes: numberIn(5),
  /** How often each space's page ids are listed to find silent deletions, hours. Default 24. */
  deletion_check_hours: numberIn(24),
  /** Above this share (0 to 1) of known pages missing at once, the deletion check deletes nothing. Default 0.2. */
  max_deletion_share: numberIn(0.2, { max: 1 }),
  /** Results per listing request, 1 to 250. Default 50. */
  page_size: numberIn(50, { min: 1, max: 250 }),
  /** Per-request timeout, seconds. Default 30. */
  request_timeout_seconds: numberIn(30, { above: true }),
  /** Pause before each request once the site says the limit is near, milliseconds. Default 1000. */
  near_limit_pause_ms: numberIn(1000),
  /** Cloud: the Atlassian account e-mail (or CONFLUENCE_EMAIL); with it basic auth, without it a bearer PAT. Default ''. */
  email: optionalText(),
});

/** A Confluence connector's validated metadata. */
export type ConfluenceMetadata = z.output<typeof confluenceMetadataSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
