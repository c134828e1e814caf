/** Wakes sleeping claimers early when this process adds work, so a claim need not wait out its poll interval. */
export class WakeSignal {
  private readonly sleepers = new Set<() => void>();

  /** Resolves after `ms`, or sooner on `notify()`. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** Wakes every current sleeper. */
  notify(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}
