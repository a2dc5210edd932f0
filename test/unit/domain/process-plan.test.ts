import { describe, expect, it } from 'vitest';
import { planProcess, type TaskDefinitionProgress } from '../../../src/domain/process-plan.js';
import type { TaskDefinition, TaskDependency, TaskStatus } from '../../../src/domain/types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');

function task(name: string, deps: (string | TaskDependency)[] = [], extra: Partial<TaskDefinition> = {}) {
  return {
    task_definition_name: name,
    dependencies: deps.map((d) => (typeof d === 'string' ? { task_definition_name: d } : d)),
    executable: { shell_script_command: { script: 'true' } },
    max_attempts: 1,
    backoff_base_seconds: 0,
    ...extra,
  } satisfies TaskDefinition;
}

/** Progress of one definition whose attempts ended (or not) as listed, oldest first. */
function attempts(...statuses: TaskStatus[]): TaskDefinitionProgress {
  const last = statuses.at(-1);
  const ended = last === 'succeeded' || last === 'failed';
  return {
    attempts: statuses.length,
    completedOnce: statuses.some((s) => s === 'succeeded' || s === 'failed'),
    ...(last && { latest: { status: last, ...(ended && { endedAt: NOW - 1000 }) } }),
  };
}

function plan(
  taskDefinitions: TaskDefinition[],
  progress: Record<string, TaskDefinitionProgress> = {},
  more: { killRequested?: boolean; now?: number } = {},
) {
  return planProcess(
    {
      taskDefinitions,
      progress: new Map(Object.entries(progress)),
      killRequested: more.killRequested ?? false,
    },
    more.now ?? NOW,
  );
}

describe('planProcess: when a task definition may start', () => {
  it('starts every task without dependencies at once', () => {
    expect(plan([task('a'), task('b')])).toEqual({ start: ['a', 'b'] });
  });

  it('rule 1: never restarts a definition whose latest task succeeded', () => {
    const p = plan([task('a', [], { max_attempts: 3 })], { a: attempts('failed', 'succeeded') });
    expect(p.start).toEqual([]);
    expect(p.outcome).toBe('succeeded');
  });

  it('rule 2: does not start a definition whose latest task is still active', () => {
    for (const status of ['submitted', 'runnable', 'starting', 'pending', 'running'] as const) {
      const p = plan([task('a', [], { max_attempts: 5 })], { a: attempts('failed', status) });
      expect(p).toEqual({ start: [] });
    }
  });

  it('rule 3: stops after max_attempts', () => {
    const defs = [task('a', [], { max_attempts: 2 })];
    expect(plan(defs, { a: attempts('failed') }).start).toEqual(['a']);
    const done = plan(defs, { a: attempts('failed', 'failed') });
    expect(done.start).toEqual([]);
    expect(done.outcome).toBe('failed');
  });

  it('rule 4: waits base * exponent ^ attempts after a failure, then starts', () => {
    const defs = [task('a', [], { max_attempts: 5, backoff_base_seconds: 10, backoff_exponent: 2 })];
    // two failed attempts, the last ended 1 s before NOW: wait 10 * 2^2 = 40 s from its end
    const progress = { a: attempts('failed', 'failed') };
    const wakeAt = NOW - 1000 + 40_000;
    expect(plan(defs, progress)).toEqual({ start: [], wakeAt });
    expect(plan(defs, progress, { now: wakeAt - 1 }).start).toEqual([]);
    expect(plan(defs, progress, { now: wakeAt }).start).toEqual(['a']);
  });

  it('rule 5: a required dependency must have succeeded', () => {
    const defs = [task('a', [], { max_attempts: 2 }), task('b', ['a'])];
    expect(plan(defs).start).toEqual(['a']);
    expect(plan(defs, { a: attempts('running') }).start).toEqual([]);
    expect(plan(defs, { a: attempts('failed') }).start).toEqual(['a']);
    expect(plan(defs, { a: attempts('failed', 'succeeded') }).start).toEqual(['b']);
  });

  it('rule 5: an optional dependency only has to have completed once, success or not', () => {
    const defs = [
      task('a', [], { max_attempts: 2, backoff_base_seconds: 60 }),
      task('b', [{ task_definition_name: 'a', success_required: false }]),
    ];
    expect(plan(defs, { a: attempts('running') }).start).toEqual([]);
    // a failed once and waits for its retry; b need not wait for it
    const p = plan(defs, { a: attempts('failed') });
    expect(p.start).toEqual(['b']);
    expect(p.wakeAt).toBe(NOW - 1000 + 60_000);
  });

  it('rule 5: a required dependency out of attempts means the dependent never runs and the process fails', () => {
    const defs = [task('a'), task('b', ['a']), task('c', ['b'])];
    expect(plan(defs, { a: attempts('failed') })).toEqual({ start: [], outcome: 'failed' });
  });

  it('rule 5: dependencies outside a trigger filter are ignored', () => {
    expect(plan([task('b', ['not-in-this-run'])]).start).toEqual(['b']);
  });

  it('rule 6: a kill request starts nothing and ends the process failed once nothing runs', () => {
    const defs = [task('a'), task('b', ['a'])];
    expect(plan(defs, { a: attempts('running') }, { killRequested: true })).toEqual({ start: [] });
    expect(plan(defs, {}, { killRequested: true })).toEqual({ start: [], outcome: 'failed' });
    expect(plan(defs, { a: attempts('succeeded') }, { killRequested: true })).toEqual({
      start: [],
      outcome: 'failed',
    });
  });
});

describe('planProcess: when a process ends', () => {
  const diamond = [task('a'), task('b', ['a']), task('c', ['a']), task('d', ['b', 'c'])];

  it('keeps running while anything runs, even if the rest is blocked', () => {
    expect(
      plan(diamond, { a: attempts('succeeded'), b: attempts('failed'), c: attempts('running') }),
    ).toEqual({ start: [] });
  });

  it('fails when nothing runs, nothing can start, and a latest task failed', () => {
    expect(
      plan(diamond, { a: attempts('succeeded'), b: attempts('failed'), c: attempts('succeeded') }),
    ).toEqual({ start: [], outcome: 'failed' });
  });

  it('succeeds when every latest task succeeded', () => {
    const all = { a: 'succeeded', b: 'succeeded', c: 'succeeded', d: 'succeeded' } as const;
    const progress = Object.fromEntries(Object.entries(all).map(([k, s]) => [k, attempts('failed', s)]));
    expect(
      plan(
        diamond.map((t) => ({ ...t, max_attempts: 2 })),
        progress,
      ),
    ).toEqual({
      start: [],
      outcome: 'succeeded',
    });
  });

  it('fails when an optional dependency failed even though its dependent succeeded', () => {
    const defs = [task('a'), task('b', [{ task_definition_name: 'a', success_required: false }])];
    expect(plan(defs, { a: attempts('failed'), b: attempts('succeeded') })).toEqual({
      start: [],
      outcome: 'failed',
    });
  });

  it('does not end while a failed task still waits out its backoff', () => {
    const defs = [task('a', [], { max_attempts: 2, backoff_base_seconds: 5 })];
    const p = plan(defs, { a: attempts('failed') });
    expect(p.outcome).toBeUndefined();
    expect(p.wakeAt).toBe(NOW - 1000 + 5000);
  });
});
