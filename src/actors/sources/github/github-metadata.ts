import { z } from 'zod';
import { fileExtensions, folderPath, httpUrl, numberIn, optionalNumberIn, optionalText, requiredText } from '../../../config/config-fields.ts';

/** `metadata` of a GitHub connector (README, "connectors.<name>"). */
export const githubMetadataSchema = z.strictObject({
  /** User or organisation that owns the repository. Required. */
  owner: requiredText('required for a GitHub connector'),
  /** Repository name. Required. */
  repo: requiredText('required for a GitHub connector'),
  /** Folder of the documents inside the repository, without leading `./` or slashes. Default '' (the whole repository). */
  docs_path: folderPath(),
  /** Branch to follow. Default '' (the repository's default branch). */
  branch: optionalText(),
  /** File extensions that are documents. Default `[.md, .mdx]`. */
  patterns: fileExtensions(),
  /** REST API root: `https://api.github.com` (default), or `https://<host>/api/v3` for Enterprise Server. */
  api_url: httpUrl('https://api.github.com'),
  /** Files larger than this many bytes are skipped with a counted reason. Default 1000000. */
  max_file_bytes: numberIn(1_000_000),
  /** Requests kept in hand before waiting for the reset. Default 100, 5 without a token (so left undefined here). */
  rate_limit_reserve: optionalNumberIn(),
  /** Per-request timeout, seconds. Default 30. */
  request_timeout_seconds: numberIn(30, { min: 0, above: true }),
  // Left undefined when absent (github-options.ts applies the defaults), so a parsed section shows only what was set.
  /** How often the whole tree is listed against the documents held, to delete what vanished without a push, hours. Default 24. */
  reconcile_hours: optionalNumberIn({ min: 0, above: true }),
  /** Above this share of held documents missing at once, a reconcile or scope change deletes nothing. Default 0.2. */
  max_deletion_share: optionalNumberIn({ max: 1 }),
});

/** A GitHub connector's validated metadata. */
export type GithubMetadata = z.output<typeof githubMetadataSchema>;
