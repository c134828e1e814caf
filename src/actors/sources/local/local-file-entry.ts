/** What the local connector remembers of one file: enough to skip unchanged files without reading them. */
export interface FileMark {
  mtimeMs: number;
  size: number;
  hash: string;
  /**
   * Inode change time: a rename, copy or restore sets it, and nothing can set it back, so it tells apart two
   * appearances of the same content and mtime at one path (absent for files recorded before it was kept).
   */
  ctimeMs?: number;
}

/** One file's entry in the per-document state store: its mark, and whether a tripped mass-deletion guard keeps it. */
export interface FileEntry {
  mark: FileMark;
  /** Missing at a reconcile whose deletion the guard refused: polls keep it until the next reconcile. */
  heldBack: boolean;
}

/**
 * Encodes an entry as `<sha256> <mtimeMs> <size> <ctimeMs or -> [held]` (format of local cursor version 2): about
 * a hundred bytes, written only when the file changes. Numbers print and parse back exactly (shortest round trip).
 */
export function encodeFileEntry({ mark, heldBack }: FileEntry): string {
  return `${mark.hash} ${mark.mtimeMs} ${mark.size} ${mark.ctimeMs ?? '-'}${heldBack ? ' held' : ''}`;
}

/** The entry an encoded value stands for; an unreadable one (another kind's state) has an empty hash, so it matches no file. */
export function decodeFileEntry(value: string): FileEntry {
  const [hash = '', mtime, size, ctime, flag] = value.split(' ');
  const number = (text: string | undefined) => (text === undefined || text === '-' || Number.isNaN(Number(text)) ? undefined : Number(text));
  const mark: FileMark = { mtimeMs: number(mtime) ?? 0, size: number(size) ?? -1, hash: /^[0-9a-f]{64}$/.test(hash) ? hash : '' };
  const ctimeMs = number(ctime);
  if (ctimeMs !== undefined) mark.ctimeMs = ctimeMs;
  return { mark, heldBack: flag === 'held' };
}
