import { describe, expect, it } from 'vitest';
import type { ExecutorKind } from '../../../src/domain/types.js';
import { createAwsExecutors } from '../../../src/executors/aws/aws-executors.js';
import { AWS_EXECUTOR_KINDS } from '../../../src/executors/aws/aws-options.js';
import type { Executor, ExecutorHost, TaskRun } from '../../../src/executors/executor.js';
import { lazyExecutors } from '../../../src/executors/lazy-executors.js';

/** An executor that records what it was asked. */
function recording(kind: ExecutorKind, calls: string[]): Executor {
  return {
    kind,
    start: async (run) => void calls.push(`${kind} start ${run.taskId}`),
    kill: async (run, reason) => void calls.push(`${kind} kill ${run.taskId} ${reason}`),
    resume: async (runs) => void calls.push(`${kind} resume ${runs.length}`),
    close: async (graceMs) => void calls.push(`${kind} close ${graceMs}`),
  };
}

const run = (taskId: string) => ({ taskId }) as TaskRun;

describe('lazy executors', () => {
  it('load once, at the first use of any kind, and hand each call to the executor of its kind', async () => {
    const calls: string[] = [];
    let loads = 0;
    const [batch, ecs] = lazyExecutors(['batch', 'ecs'], async () => {
      loads += 1;
      return [recording('batch', calls), recording('ecs', calls)];
    });
    expect(loads).toBe(0);
    await Promise.all([batch!.start(run('t1')), ecs!.resume([run('t2'), run('t3')])]);
    await ecs!.kill(run('t2'), 'killed by a user');
    await batch!.close(500);
    expect(loads).toBe(1);
    expect(calls).toEqual([
      'batch start t1',
      'ecs resume 2',
      'ecs kill t2 killed by a user',
      'batch close 500',
    ]);
  });

  it('close without loading when never used', async () => {
    let loads = 0;
    const [emr] = lazyExecutors(['emr'], async () => {
      loads += 1;
      return [];
    });
    await emr!.close();
    expect(loads).toBe(0);
  });

  it('fail the calls, not the close, when loading failed', async () => {
    const [emr] = lazyExecutors(['emr'], () => Promise.reject(new Error('no SDK')));
    await expect(emr!.start(run('t1'))).rejects.toThrow('no SDK');
    await expect(emr!.close()).resolves.toBeUndefined();
  });

  it('stand in for exactly the kinds the AWS executors are', () => {
    const made = createAwsExecutors({} as ExecutorHost).map((e) => e.kind);
    expect([...AWS_EXECUTOR_KINDS].sort()).toEqual(made.sort());
  });
});
