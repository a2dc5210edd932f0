import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from '../../../src/executors/aws/token-bucket.js';

describe('TokenBucket', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** Starts `n` takes at once; returns how many have been let through, as time passes. */
  function takes(bucket: TokenBucket, n: number) {
    let through = 0;
    for (let i = 0; i < n; i++) void bucket.take().then(() => through++);
    return () => through;
  }

  it('lets the burst through at once, then the rate', async () => {
    const through = takes(new TokenBucket({ perSecond: 10, burst: 5 }), 30);
    await vi.advanceTimersByTimeAsync(0);
    expect(through()).toBe(5);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(through()).toBe(15);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(through()).toBe(30);
  });

  it('pauses every caller after a throttle, for a backoff that grows while throttling goes on', async () => {
    // random() = 1: the backoff takes its ceiling, 200 ms doubling.
    const bucket = new TokenBucket({ perSecond: 1000, burst: 1000 }, () => 1);
    bucket.throttled();
    bucket.throttled(); // answered while paused already: the same pause
    let through = takes(bucket, 3);
    await vi.advanceTimersByTimeAsync(199);
    expect(through()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(through()).toBe(3);
    bucket.throttled(); // still throttled after the pause: twice as long
    through = takes(bucket, 1);
    await vi.advanceTimersByTimeAsync(399);
    expect(through()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(through()).toBe(1);
    bucket.succeeded();
    bucket.throttled(); // after a success, from the bottom again
    through = takes(bucket, 1);
    await vi.advanceTimersByTimeAsync(200);
    expect(through()).toBe(1);
  });
});
