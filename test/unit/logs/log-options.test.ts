import { describe, expect, it } from 'vitest';
import { resolveLiveLogOptions } from '../../../src/logs/log-options.js';

describe('resolveLiveLogOptions', () => {
  it('has defaults: 100 000 lines and 10 MiB per task', () => {
    const o = resolveLiveLogOptions({}, {});
    expect(o).toMatchObject({
      maxLinesPerTask: 100_000,
      maxBytesPerTask: 10 * 1024 * 1024,
      maskPatterns: [],
    });
  });

  it('reads SUNDIAL_LOG_* variables; options given in code win', () => {
    const env = {
      SUNDIAL_LOG_MAX_LINES_PER_TASK: '500',
      SUNDIAL_LOG_GRACE_MS: '2000',
      SUNDIAL_LOG_DRAIN_SETTLE_MS: '250',
      SUNDIAL_LOG_MASK_PATTERNS: 'AKIA[0-9A-Z]{16}, ghp_\\w+ ,',
    };
    expect(resolveLiveLogOptions({}, env)).toMatchObject({
      maxLinesPerTask: 500,
      graceMs: 2000,
      drainSettleMs: 250,
      maskPatterns: ['AKIA[0-9A-Z]{16}', 'ghp_\\w+'],
    });
    expect(resolveLiveLogOptions({ maxLinesPerTask: 7, graceMs: undefined }, env)).toMatchObject({
      maxLinesPerTask: 7,
      graceMs: 2000,
    });
  });

  it('refuses a variable that is not a number', () => {
    expect(() => resolveLiveLogOptions({}, { SUNDIAL_LOG_MAX_BYTES_PER_TASK: '10MB' })).toThrow(
      'SUNDIAL_LOG_MAX_BYTES_PER_TASK must be a non-negative number, not "10MB"',
    );
  });
});
