import { z } from 'zod';
import { fileExtensions, requiredText, seconds } from '../../../config/config-fields.ts';

/** `metadata` of a local folder connector. */
export const localMetadataSchema = z.strictObject({
  /** Folder to watch, absolute or relative to the working directory. Required. */
  path: requiredText('required, the folder to watch'),
  /** File extensions that are documents. Default `[.md, .mdx]`. */
  patterns: fileExtensions(),
  /** Longest the file watcher holds changes while files keep being written, seconds; a poll follows at least this often. Default 2. */
  max_debounce_seconds: seconds(2),
});

/** A local connector's validated metadata. */
export type LocalMetadata = z.output<typeof localMetadataSchema>;
