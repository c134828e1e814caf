/** A request a fake API server holds unanswered until the test releases it. */
export interface HeldRequest {
  /** Resolves once a matching request has arrived and is being held. */
  arrived: Promise<void>;
  /** Lets the held request be answered as it would have been (also before it arrived: then it is not held at all). */
  release(): void;
  /** Resolves once the held request has been answered and logged in the fake's request log. */
  answered: Promise<void>;
}

/** What the fake server does with a request a hold took: wait for `released`, answer, log it, then call `answered`. */
export interface TakenRequest {
  released: Promise<void>;
  answered(): void;
}

interface Hold extends TakenRequest {
  pathIncludes: string | undefined;
  arrive: () => void;
}

/**
 * The holds of one fake server: `hold()` takes the next matching request, so a test can act (abort a poll) while a
 * call is in flight and then let it finish, without waiting a fixed time.
 */
export class RequestHolds {
  private readonly waiting: Hold[] = [];

  /** Holds the next request whose path contains `pathIncludes` (any request when omitted). */
  hold(pathIncludes?: string): HeldRequest {
    let arrive!: () => void;
    let release!: () => void;
    let answer!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const hold = { pathIncludes, arrive, released, answered: answer };
    this.waiting.push(hold);
    return {
      arrived,
      answered,
      release: () => {
        const index = this.waiting.indexOf(hold);
        if (index >= 0) this.waiting.splice(index, 1);
        release();
      },
    };
  }

  /** For a request that just arrived: the hold that takes it (await its release before answering), if any. */
  take(path: string): TakenRequest | undefined {
    const index = this.waiting.findIndex((h) => h.pathIncludes === undefined || path.includes(h.pathIncludes));
    if (index < 0) return undefined;
    const [hold] = this.waiting.splice(index, 1);
    hold.arrive();
    return hold;
  }
}
