import { z } from 'zod';
import { fileExtensions, requiredText } from '../../../config/config-fields.ts';

/** `metadata` of a local folder connector. */
export const localMetadataSchema = z.strictObject({
  /** Folder to watch, absolute or relative to the working directory. Required. */
  path: requiredText('required, the folder to watch'),
  /** File extensions that are documents. Default `[.md, .mdx]`. */
  patterns: fileExtensions(),
});

/** A local connector's validated metadata. */
export type LocalMetadata = z.output<typeof localMetadataSchema>;
