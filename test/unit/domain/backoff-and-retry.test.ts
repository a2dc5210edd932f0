import { describe, expect, it } from 'vitest';
import {
  backoffReadyAt,
  planProcess,
  type TaskDefinitionProgress,
} from '../../../src/domain/process-plan.js';
import { retryGrants } from '../../../src/domain/retry.js';
import type { TaskDefinition } from '../../../src/domain/types.js';

const ENDED = Date.parse('2026-01-01T00:00:00Z');

function def(name: string, extra: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    task_definition_name: name,
    dependencies: [],
    executable: { shell_script_command: { script: 'true' } },
    max_attempts: 3,
    backoff_base_seconds: 0,
    ...extra,
  };
}

const failedAfter = (attempts: number): TaskDefinitionProgress => ({
  attempts,
  completedOnce: true,
  latest: { status: 'failed', endedAt: ENDED },
});

describe('backoff', () => {
  it('waits backoff_base_seconds * backoff_exponent ^ attempts from the end of the last attempt', () => {
    const t = def('a', { backoff_base_seconds: 3, backoff_exponent: 2 });
    expect(backoffReadyAt(t, failedAfter(1)) - ENDED).toBe(3 * 2 * 1000);
    expect(backoffReadyAt(t, failedAfter(2)) - ENDED).toBe(3 * 4 * 1000);
    expect(backoffReadyAt(t, failedAfter(3)) - ENDED).toBe(3 * 8 * 1000);
  });

  it('accepts fractional exponents and defaults the exponent to 1 (constant backoff)', () => {
    expect(backoffReadyAt(def('a', { backoff_base_seconds: 4, backoff_exponent: 1.5 }), failedAfter(2))).toBe(
      ENDED + 4 * 2.25 * 1000,
    );
    expect(backoffReadyAt(def('a', { backoff_base_seconds: 7 }), failedAfter(3))).toBe(ENDED + 7000);
  });

  it('does not apply before a first attempt, after a success, or with a zero base', () => {
    const t = def('a', { backoff_base_seconds: 10, backoff_exponent: 2 });
    expect(backoffReadyAt(t, { attempts: 0, completedOnce: false })).toBe(0);
    expect(
      backoffReadyAt(t, {
        attempts: 1,
        completedOnce: true,
        latest: { status: 'succeeded', endedAt: ENDED },
      }),
    ).toBe(0);
    expect(backoffReadyAt(def('a', { backoff_exponent: 5 }), failedAfter(2))).toBe(ENDED);
  });
});

describe('retry grants', () => {
  const defs = [def('extract'), def('load'), def('report')];

  it('grants one more attempt, without backoff, to every definition whose latest task failed', () => {
    const latest = new Map([
      ['extract', { attempts: 1, latestStatus: 'succeeded' as const }],
      ['load', { attempts: 3, latestStatus: 'failed' as const }],
    ]);
    expect(retryGrants(defs, latest, {})).toEqual({ load: { maxAttempts: 4, backoffWaivedAtAttempt: 3 } });
  });

  it('keeps earlier grants and replaces the grant of a definition that failed again', () => {
    const earlier = { load: { maxAttempts: 4, backoffWaivedAtAttempt: 3 } };
    const latest = new Map([
      ['extract', { attempts: 2, latestStatus: 'failed' as const }],
      ['load', { attempts: 4, latestStatus: 'failed' as const }],
    ]);
    expect(retryGrants(defs, latest, earlier)).toEqual({
      extract: { maxAttempts: 3, backoffWaivedAtAttempt: 2 },
      load: { maxAttempts: 5, backoffWaivedAtAttempt: 4 },
    });
  });

  it('lets planProcess start the granted attempt at once, despite max_attempts and backoff', () => {
    const load = def('load', { max_attempts: 2, backoff_base_seconds: 3600, backoff_exponent: 2 });
    const report = def('report', { dependencies: [{ task_definition_name: 'load' }] });
    const grants = retryGrants(
      [load, report],
      new Map([['load', { attempts: 2, latestStatus: 'failed' }]]),
      {},
    );
    const view = {
      taskDefinitions: [load, report],
      progress: new Map([['load', failedAfter(2)]]),
      killRequested: false,
      grants,
    };
    expect(planProcess(view, ENDED + 1)).toEqual({ start: ['load'] });
    // the granted attempt fails too: now out of attempts, and the process fails
    view.progress.set('load', failedAfter(3));
    expect(planProcess(view, ENDED + 1)).toEqual({ start: [], outcome: 'failed' });
  });

  it('waives backoff only for the granted attempt, not for later ones', () => {
    const t = def('a', { max_attempts: 5, backoff_base_seconds: 1, backoff_exponent: 2 });
    const grant = { maxAttempts: 6, backoffWaivedAtAttempt: 5 };
    expect(backoffReadyAt(t, failedAfter(5), grant)).toBe(0);
    expect(backoffReadyAt(t, failedAfter(4), grant)).toBe(ENDED + 16_000);
  });
});
