import { z } from 'zod';
import { fileExtensions, folderPath, numberIn, optionalText, shown } from '../../../config/config-fields.ts';

const REMOTE_URL = 'required, the remote git fetches from (https://host/org/repo.git, ssh://…, git@host:org/repo.git or a path)';

/** `metadata` of a Git connector (docs/adding-a-source.md: the example source). */
export const gitMetadataSchema = z.strictObject({
  /** The remote git fetches from: any URL or path `git fetch` accepts. Required; never starts with `-` (it would read as an option). */
  url: z
    .string({ error: (issue) => (issue.input == null ? REMOTE_URL : `${REMOTE_URL}, got ${shown(issue.input)}`) })
    .refine((url) => url.trim() !== '', REMOTE_URL)
    .refine((url) => !url.startsWith('-'), { error: (issue) => `a remote URL cannot start with '-', got ${shown(issue.input)}` })
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
    .refine((url) => !/[\u0000-\u001f\u007f]/.test(url), { error: (issue) => `a remote URL has no control characters, got ${shown(issue.input)}` }),
  /** Branch to follow. Default '' (the remote's default branch, as its HEAD names it). */
  branch: optionalText().refine((b) => b === '' || isBranchName(b), { error: (issue) => `'${String(issue.input)}' is not a branch name` }),
  /** Folder of the documents inside the repository, without leading `./` or slashes. Default '' (the whole repository). */
  docs_path: folderPath(),
  /** File extensions that are documents. Default `[.md, .mdx]`. */
  patterns: fileExtensions(),
  /** Files larger than this many bytes are skipped with a counted reason. Default 1000000. */
  max_file_bytes: numberIn(1_000_000),
  /** Longest one git command may run before it is killed, seconds. Default 120. */
  timeout_seconds: numberIn(120, { above: true }),
  /** How often the whole tree is listed against the documents held, to delete what vanished, hours. Default 24. */
  reconcile_hours: numberIn(24, { above: true }),
  /** Above this share of held documents missing at once, a reconcile or scope change deletes nothing. Default 0.2. */
  max_deletion_share: numberIn(0.2, { max: 1 }),
  /** Folder of the local bare clone, kept between polls and restarts. Default `.inlet/git/<connector name>`. */
  clone_dir: optionalText(),
});

/** A Git connector's validated metadata. */
export type GitMetadata = z.output<typeof gitMetadataSchema>;

/** A branch name `git check-ref-format --branch` would accept, and that cannot read as an option. */
function isBranchName(name: string): boolean {
  return /^[A-Za-z0-9._/][A-Za-z0-9._/-]*$/.test(name) && !name.includes('..') && !name.endsWith('/') && !name.endsWith('.lock') && !name.startsWith('/');
}
