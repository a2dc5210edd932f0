import { describe, expect, it } from 'vitest';
import {
  FINAL_READ_PATIENCE_MS,
  givesUpFinalRead,
  nextPollMs,
  type TailerTiming,
} from '../../../src/logs/tailers/poll-interval.js';

const timing: TailerTiming = {
  graceMs: 10_000,
  minPollMs: 1_000,
  maxPollMs: 5_000,
  unwatchedPollMs: 30_000,
  maxBackoffMs: 20_000,
};
const read = (lines: number, backlog = false) => ({ kind: 'read', lines, backlog }) as const;

describe('nextPollMs', () => {
  it('reads a watched log with news again after the shortest wait', () => {
    expect(nextPollMs(timing, 4_000, read(3), true)).toBe(1_000);
  });

  it('backs a watched log without news off by half again, up to maxPollMs', () => {
    const waits = [1_000];
    for (let i = 0; i < 6; i++) waits.push(nextPollMs(timing, waits.at(-1)!, read(0), true));
    expect(waits).toEqual([1_000, 1_500, 2_250, 3_375, 5_000, 5_000, 5_000]);
  });

  it('reads a log nobody watches every unwatchedPollMs, news or not', () => {
    expect(nextPollMs(timing, 1_000, read(0), false)).toBe(30_000);
    expect(nextPollMs(timing, 1_000, read(50), false)).toBe(30_000);
  });

  it('reads on at once while a backlog is left, watched or not', () => {
    expect(nextPollMs(timing, 30_000, read(0, true), false)).toBe(1_000);
    expect(nextPollMs(timing, 5_000, read(10_000, true), true)).toBe(1_000);
  });

  it('waits for a log that does not exist yet like for one without news', () => {
    expect(nextPollMs(timing, 2_000, { kind: 'not-found' }, true)).toBe(3_000);
    expect(nextPollMs(timing, 1_000, { kind: 'not-found' }, false)).toBe(30_000);
  });

  it('doubles the wait on throttling and errors, from at least minPollMs, up to maxBackoffMs', () => {
    for (const kind of ['throttled', 'failed'] as const) {
      const waits = [500];
      for (let i = 0; i < 6; i++) waits.push(nextPollMs(timing, waits.at(-1)!, { kind }, true));
      expect(waits).toEqual([500, 2_000, 4_000, 8_000, 16_000, 20_000, 20_000]);
    }
  });
});

describe('givesUpFinalRead', () => {
  const stopAt = 1_000_000;

  it('gives up at once when the log does not exist', () => {
    expect(givesUpFinalRead(stopAt, stopAt, true)).toBe(true);
  });

  it('retries other errors for FINAL_READ_PATIENCE_MS after the grace period, then gives up', () => {
    expect(givesUpFinalRead(stopAt, stopAt + FINAL_READ_PATIENCE_MS, false)).toBe(false);
    expect(givesUpFinalRead(stopAt, stopAt + FINAL_READ_PATIENCE_MS + 1, false)).toBe(true);
  });
});
