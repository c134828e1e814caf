/** The polls running now, so a graceful stop can wait for them to end (once aborted, they end within a turn or two). */
export class PollsInFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Adds a poll until it settles; returns it unchanged. */
  track<T>(poll: Promise<T>): Promise<T> {
    this.running.add(poll);
    const forget = () => this.running.delete(poll);
    poll.then(forget, forget);
    return poll;
  }

  /** How many polls are running. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves once every poll running now has settled, whatever its outcome. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
