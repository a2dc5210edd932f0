import { describe, expect, it } from 'vitest';
import { capReached, fitsCap } from '../../../src/logs/log-cap.js';

const cap = { maxLinesPerTask: 3, maxBytesPerTask: 100 };

describe('fitsCap', () => {
  it('takes lines while both the line count and the bytes stay within the cap', () => {
    expect(fitsCap(cap, { lines: 0, bytes: 0 }, 10)).toBe(true);
    expect(fitsCap(cap, { lines: 2, bytes: 90 }, 10)).toBe(true); // exactly at both limits after it
  });

  it('refuses the line past the line limit, however short', () => {
    expect(fitsCap(cap, { lines: 3, bytes: 0 }, 0)).toBe(false);
  });

  it('refuses a line that would pass the byte limit, even when a shorter one would fit', () => {
    expect(fitsCap(cap, { lines: 1, bytes: 90 }, 11)).toBe(false);
    expect(fitsCap(cap, { lines: 1, bytes: 90 }, 10)).toBe(true);
  });
});

describe('capReached', () => {
  it('is reached at the line limit or the byte limit, whichever comes first', () => {
    expect(capReached(cap, { lines: 2, bytes: 99 })).toBe(false);
    expect(capReached(cap, { lines: 3, bytes: 0 })).toBe(true);
    expect(capReached(cap, { lines: 1, bytes: 100 })).toBe(true);
  });
});
