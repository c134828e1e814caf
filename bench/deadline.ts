/** Raised when a benchmark runs past its time budget. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
  readonly code = 'BENCH_DEADLINE_EXCEEDED';

  constructor(
    readonly label: string,
    readonly budgetMs: number,
    detail = '',
  ) {
    super(`${label} did not finish within ${Math.round(budgetMs / 1000)} s${detail ? `: ${detail}` : ''}`);
  }
}

/** True when `error` is a DeadlineExceededError. */
export function isDeadlineExceededError(error: unknown): error is DeadlineExceededError {
  return error instanceof DeadlineExceededError;
}

/** A time budget that every benchmark loop checks, so nothing waits forever on a noisy machine. */
export class Deadline {
  private readonly endsAt: number;

  constructor(
    readonly label: string,
    readonly budgetMs: number,
  ) {
    this.endsAt = performance.now() + budgetMs;
  }

  /** Milliseconds left (negative once past). */
  remainingMs(): number {
    return this.endsAt - performance.now();
  }

  /** Throws once the budget is spent; `detail` says how far the loop got. */
  check(detail?: () => string): void {
    if (this.remainingMs() <= 0) throw new DeadlineExceededError(this.label, this.budgetMs, detail?.());
  }

  /** Settles like `promise`, or rejects when the budget runs out first. */
  race<T>(promise: Promise<T>, detail?: () => string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineExceededError(this.label, this.budgetMs, detail?.())), Math.max(0, this.remainingMs()));
    });
    return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
  }
}
