import { sleep } from './aws-errors.js';

/** How fast one AWS API (a service in a region) may be called. */
export interface CallRate {
  /** Calls per second, sustained. */
  perSecond: number;
  /** Calls that may go out at once after a quiet spell. */
  burst: number;
}

/** The rate every service and region gets unless configured (`SUNDIAL_AWS_CALLS_PER_SECOND`). */
export const DEFAULT_CALL_RATE: CallRate = { perSecond: 20, burst: 40 };

/** First and longest pause of an API after AWS throttled it. */
const BACKOFF_BASE_MS = 200;
const BACKOFF_MAX_MS = 5_000;

/**
 * The calls of one AWS API that every executor and poller of this process share: each call (and
 * each SDK retry of it) takes a token first, so many pollers and submits together stay under the
 * rate instead of bursting into throttling. When AWS throttles anyway, the whole API pauses for an
 * exponential backoff with full jitter (so the replicas of a fleet do not come back in step), which
 * grows while throttling continues and resets at the first call that gets through.
 *
 * @example
 * const bucket = new TokenBucket({ perSecond: 20, burst: 40 });
 * await bucket.take();
 * try { await send(); bucket.succeeded(); } catch (err) { if (isThrottling(err)) bucket.throttled(); throw err; }
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt = Date.now();
  private pausedUntil = 0;
  private throttles = 0;
  /** Callers waiting for a token, served in arrival order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly rate: CallRate,
    private readonly random: () => number = Math.random,
  ) {
    this.tokens = rate.burst;
  }

  /** Resolves when this call may go out. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.wait());
    this.queue = turn;
    return turn;
  }

  /** AWS throttled a call: pause every caller for a jittered, growing backoff. */
  throttled(): void {
    // The other calls already in flight when the pause began are answered the same way: one step.
    if (Date.now() < this.pausedUntil) return;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.throttles);
    this.throttles += 1;
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ceiling * this.random());
  }

  /** A call got through: the next throttle starts the backoff from the bottom again. */
  succeeded(): void {
    this.throttles = 0;
  }

  private async wait(): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now);
        continue;
      }
      this.tokens = Math.min(
        this.rate.burst,
        this.tokens + ((now - this.refilledAt) / 1000) * this.rate.perSecond,
      );
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) / this.rate.perSecond) * 1000));
    }
  }
}
