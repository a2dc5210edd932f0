import type { ClusterState, ClusterSummary } from '@aws-sdk/client-emr';
import { describe, expect, it } from 'vitest';
import { endingSummary, stepsDue } from '../../../src/executors/emr/emr-cluster-poll.js';
import { clusterEndedFirst } from '../../../src/executors/emr/emr-status.js';

const listed = (State: ClusterState): ClusterSummary => ({ Id: 'j-1', Status: { State } });
const now = 1_000_000;
const refresh = 300_000;

describe('steps of a created cluster are listed', () => {
  it('the first time, when its state changed, and every refresh interval otherwise', () => {
    expect(stepsDue({ endedChecks: 0 }, listed('STARTING'), now, refresh)).toBe(true);
    const seen = { clusterState: 'RUNNING', stepsCheckedAt: now - 10_000, endedChecks: 0 };
    expect(stepsDue(seen, listed('RUNNING'), now, refresh)).toBe(false);
    expect(stepsDue(seen, listed('TERMINATING'), now, refresh)).toBe(true);
    expect(stepsDue(seen, listed('WAITING'), now, refresh)).toBe(true);
    expect(stepsDue(seen, listed('RUNNING'), now + refresh, refresh)).toBe(true);
  });

  it('while ListClusters does not show it, and while it has ended but the task has not', () => {
    const seen = { clusterState: 'TERMINATED', stepsCheckedAt: now, endedChecks: 1 };
    expect(stepsDue(seen, undefined, now, refresh)).toBe(true);
    expect(stepsDue(seen, listed('TERMINATED'), now, refresh)).toBe(true);
  });

  it('a cluster that ended before its steps said so fails the task with its reason', () => {
    const cluster = {
      Id: 'j-1',
      Status: {
        State: 'TERMINATED_WITH_ERRORS' as const,
        StateChangeReason: { Code: 'INTERNAL_ERROR' as const, Message: 'gone' },
      },
    };
    const steps = [
      { Id: 's-1', Status: { State: 'COMPLETED' as const } },
      { Id: 's-2', Status: { State: 'PENDING' as const } },
    ];
    expect(clusterEndedFirst(cluster, steps)).toEqual({
      succeeded: false,
      reason:
        'EMR cluster j-1 TERMINATED_WITH_ERRORS (INTERNAL_ERROR: gone) before the steps finished (s-2 PENDING)',
    });
  });

  it('takes the cluster reason of a failed step from the summary only once the cluster is ending', () => {
    // Listed while bootstrapping, then the steps came back cancelled: the summary is older than them.
    expect(endingSummary(listed('BOOTSTRAPPING'))).toBeUndefined();
    expect(endingSummary(listed('RUNNING'))).toBeUndefined();
    expect(endingSummary(undefined)).toBeUndefined();
    expect(endingSummary(listed('TERMINATING'))).toEqual(listed('TERMINATING'));
    expect(endingSummary(listed('TERMINATED_WITH_ERRORS'))).toEqual(listed('TERMINATED_WITH_ERRORS'));
  });
});
