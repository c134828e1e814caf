/**
 * What git prints when retrying cannot help: the repository or branch does not exist, access is refused, or the
 * URL is not one git can use. Anything else (a reset connection, a DNS failure, a 5xx) is taken as an outage.
 */
const PERMANENT = [
  /repository .* not found/i,
  /does not appear to be a git repository/i,
  /couldn't find remote ref/i,
  /authentication failed/i,
  /could not read (username|password)/i,
  /permission denied/i,
  /terminal prompts disabled/i,
  /transport '.*' not allowed/i,
  /unable to find remote helper/i,
  /returned error: 40[134]/i,
];

/** True when git's error output says the failure is permanent. */
export function isPermanentGitFailure(stderr: string): boolean {
  return PERMANENT.some((pattern) => pattern.test(stderr));
}
