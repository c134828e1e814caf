import { z } from 'zod';
import { fileExtensions, optionalNumberIn, requiredText } from '../../../config/config-fields.ts';

/** `metadata` of a local folder connector. */
export const localMetadataSchema = z.strictObject({
  /** Folder to watch, absolute or relative to the working directory. Required. */
  path: requiredText('required, the folder to watch'),
  /** File extensions that are documents. Default `[.md, .mdx]`. */
  patterns: fileExtensions(),
  // Left undefined when absent (local-options.ts applies the default), so a parsed section shows only what was set.
  /** Longest the file watcher holds changes while files keep being written, seconds; a poll follows at least this often. Default 2. */
  max_debounce_seconds: optionalNumberIn({ min: 0, above: true }),
  /** How often the folder is re-read in full (besides at start-up), ignoring the size and mtime shortcut, hours. Default 24. */
  reconcile_hours: optionalNumberIn({ min: 0, above: true }),
  /** Above this share of held files missing at once, a start-up or periodic reconcile deletes nothing. Default 0.2. */
  max_deletion_share: optionalNumberIn({ max: 1 }),
});

/** A local connector's validated metadata. */
export type LocalMetadata = z.output<typeof localMetadataSchema>;
