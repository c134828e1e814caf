/**
 * True when two scope identities (what a cursor was read from: repository, branch, folder, patterns...) name the
 * same documents. Key order does not matter; a missing identity (a cursor written before scopes were recorded) is
 * never the same as any scope (issue 11: cursors bound to what they read).
 */
export function isSameScope(stored: unknown, current: unknown): boolean {
  if (stored === null || stored === undefined) return false;
  return canonical(stored) === canonical(current);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
