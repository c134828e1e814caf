import type { LogFields, Logger } from './logger.ts';

/** Options of `createRateLimitedLog`. */
export interface RateLimitedLogOptions {
  /** Length of one interval (ms): at most one line per cause per interval. Default 60 000. */
  intervalMs?: number;
  /** Causes tracked at once; a flood of distinct causes folds into one `other` cause. Default 100. */
  maxCauses?: number;
}

/** Writes `warn` lines for what anonymous clients cause, at most one per cause per interval. */
export interface RateLimitedLog {
  /** Counts one occurrence of `cause` (a fixed string, e.g. `auth refused`); logs it now if its interval is free. */
  warn(cause: string, fields?: LogFields): void;
  /** Writes the pending counts now and stops the timers (at shutdown). */
  flush(): void;
}

interface CauseWindow {
  suppressed: number;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Issue 13: each refused signature or aborted request wrote a line, so an anonymous client could flood the log (3,082
 * warn lines in one fuzz run). The first occurrence of a cause is logged at once with `count: 1`; the rest within the
 * interval are counted and written as one line (`count: n`, `suppressed: true`) when the interval ends.
 */
export function createRateLimitedLog(logger: Logger, options: RateLimitedLogOptions = {}): RateLimitedLog {
  const intervalMs = options.intervalMs ?? 60_000;
  const maxCauses = options.maxCauses ?? 100;
  const windows = new Map<string, CauseWindow>();

  const close = (cause: string) => {
    const window = windows.get(cause);
    if (!window) return;
    windows.delete(cause);
    clearTimeout(window.timer);
    if (window.suppressed > 0) logger.warn(cause, { count: window.suppressed, suppressed: true, interval_ms: intervalMs });
  };

  return {
    warn(cause, fields) {
      const key = windows.has(cause) || windows.size < maxCauses ? cause : 'other anonymous-client causes';
      const window = windows.get(key);
      if (window) {
        window.suppressed += 1;
        return;
      }
      const timer = setTimeout(() => close(key), intervalMs);
      // A pending count must not keep a stopping process alive.
      timer.unref?.();
      windows.set(key, { suppressed: 0, timer });
      logger.warn(key, { ...fields, count: 1 });
    },
    flush() {
      for (const cause of [...windows.keys()]) close(cause);
    },
  };
}
