import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { SundialOptions } from '../../src/app.js';
import { Harness } from './harness.js';

/** The Sundial and the scratch directory that the tests of one `describe` share. */
export interface HarnessWorld {
  readonly h: Harness;
  /** An empty directory of the test's own, for the files its shell tasks write and wait for. */
  readonly dir: string;
}

/**
 * Starts a Sundial ({@link Harness.start} with `options`) and makes a scratch directory named
 * `dirPrefix…` before the tests of the enclosing `describe`; closes and removes both after them.
 *
 * @example
 * describe('retries', () => {
 *   const world = useHarness('sundial-retry-');
 *   it('retries', async () => {
 *     await world.h.put(shellDefinition(world.dir));
 *   });
 * });
 */
export function useHarness(dirPrefix: string, options: SundialOptions = {}): HarnessWorld {
  let h: Harness | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    h = await Harness.start(options);
    dir = mkdtempSync(join(tmpdir(), dirPrefix));
  });
  afterAll(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  // Getters, because the hooks above fill these in only when the tests run.
  return {
    get h() {
      if (!h) throw new Error('the Sundial of useHarness is not running here');
      return h;
    },
    get dir() {
      if (!dir) throw new Error('the scratch directory of useHarness does not exist here');
      return dir;
    },
  };
}
