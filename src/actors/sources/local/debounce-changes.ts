/** Timings of a change debouncer (ms). */
export interface DebounceTimings {
  /** Quiet time after the last change before handing the burst over. */
  waitMs: number;
  /** Longest a burst is held from its first change, however busy the folder stays (issue 11: continuous writes). */
  maxWaitMs: number;
}

/** A debouncer: `signal()` on every change, `stop()` to drop a pending hand-over. */
export interface ChangeDebouncer {
  signal(): void;
  stop(): void;
}

/**
 * Turns a stream of change notices into calls of `flush`: once the folder has been quiet for `waitMs`, or `maxWaitMs`
 * after the first change of a burst, whichever comes first, so a folder written to without pause is still ingested
 * every `maxWaitMs` instead of never. `flush` gets the time of the burst's first notice (epoch ms): when inlet saw the
 * change, so the freshness metrics count the debounce too (issue 14). Timers and clock are the global ones, so tests
 * drive it with fake timers.
 */
export function createChangeDebouncer({ waitMs, maxWaitMs }: DebounceTimings, flush: (firstNoticeAt: number) => void): ChangeDebouncer {
  let quiet: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let firstNoticeAt = 0;
  const clear = () => {
    clearTimeout(quiet);
    clearTimeout(deadline);
    quiet = undefined;
    deadline = undefined;
  };
  const handOver = () => {
    clear();
    flush(firstNoticeAt);
  };
  return {
    signal() {
      if (deadline === undefined) firstNoticeAt = Date.now();
      clearTimeout(quiet);
      quiet = setTimeout(handOver, Math.min(waitMs, maxWaitMs));
      deadline ??= setTimeout(handOver, maxWaitMs);
    },
    stop: clear,
  };
}
