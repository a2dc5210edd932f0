import { describe, expect, it } from 'vitest';
import type { TaskDefinition } from '../../../src/domain/types.js';
import { RunningProcess } from '../../../src/scheduler/running-process.js';
import type { PlanningView } from '../../../src/storage/stores/processes-store.js';

const T0 = Date.parse('2026-01-01T12:00:00Z');

function task(name: string, deps: string[] = [], extra: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    task_definition_name: name,
    dependencies: deps.map((d) => ({ task_definition_name: d })),
    executable: { noop_command: {} },
    max_attempts: 1,
    backoff_base_seconds: 0,
    ...extra,
  };
}

function view(definitions: TaskDefinition[], tasks: PlanningView['tasks'] = []): PlanningView {
  return {
    status: 'running',
    definition_name: 'etl',
    kill_requested_at: null,
    kill_reason: null,
    retry_grants: {},
    task_definitions: definitions,
    tasks,
  };
}

const row = (
  name: string,
  attempt: number,
  status: 'submitted' | 'succeeded' | 'failed',
  endedAt?: number,
) => ({
  id: `${name}-${attempt}`,
  task_definition_name: name,
  attempt,
  status,
  ended_at: endedAt === undefined ? null : new Date(endedAt),
});

describe('RunningProcess', () => {
  it('plans a chain from its own writes, step by step, as a reload from the same rows would', () => {
    const defs = [task('extract'), task('load', ['extract']), task('report', ['load'])];
    const p = RunningProcess.load(view(defs));
    expect(p.plan(T0).start).toEqual(['extract']);
    p.started([row('extract', 0, 'submitted')]);
    expect(p.plan(T0)).toEqual({ start: [] });
    p.ended([{ ...row('extract', 0, 'succeeded'), ended_at: new Date(T0) }]);
    expect(p.plan(T0).start).toEqual(['load']);
    p.started([row('load', 0, 'submitted')]);
    p.ended([{ ...row('load', 0, 'failed'), ended_at: new Date(T0) }]);
    const fromCopy = p.plan(T0);
    expect(fromCopy).toEqual({ start: [], outcome: 'failed' });
    const reloaded = RunningProcess.load(
      view(defs, [row('extract', 0, 'succeeded', T0), row('load', 0, 'failed', T0)]),
    );
    expect(reloaded.plan(T0)).toEqual(fromCopy);
  });

  it('counts attempts and waits out the backoff of a failed one', () => {
    const defs = [task('flaky', [], { max_attempts: 3, backoff_base_seconds: 10, backoff_exponent: 2 })];
    const p = RunningProcess.load(view(defs));
    p.started([row('flaky', 0, 'submitted')]);
    p.ended([{ ...row('flaky', 0, 'failed'), ended_at: new Date(T0) }]);
    expect(p.attempts('flaky')).toBe(1);
    // 10 s * 2^1 after the first failure
    expect(p.plan(T0 + 1000)).toEqual({ start: [], wakeAt: T0 + 20_000 });
    expect(p.plan(T0 + 20_000).start).toEqual(['flaky']);
  });

  it('marks itself stale when told of an end it never saw start, so the engine reads the process again', () => {
    const p = RunningProcess.load(view([task('a'), task('b')]));
    expect(p.stale).toBe(false);
    p.ended([{ ...row('b', 0, 'succeeded'), ended_at: new Date(T0) }]);
    expect(p.stale).toBe(true);
    p.refresh(view([task('a'), task('b')], [row('b', 0, 'succeeded', T0)]));
    expect(p.stale).toBe(false);
    expect(p.plan(T0).start).toEqual(['a']);
  });

  it('keeps the starts and ends it recorded itself when a view read before them arrives', () => {
    const defs = [task('a'), task('b'), task('after-a', ['a'])];
    const p = RunningProcess.load(view(defs));
    p.started([row('a', 0, 'submitted'), row('b', 0, 'submitted')]);
    const readBefore = view(defs, [row('a', 0, 'submitted')]); // read as a's start landed, before b's
    p.ended([{ ...row('a', 0, 'succeeded'), ended_at: new Date(T0) }]);
    p.refresh(readBefore);
    expect(p.attempts('b')).toBe(1); // b is not started a second time
    expect(p.plan(T0).start).toEqual(['after-a']); // a's end is not forgotten
    p.started([row('after-a', 0, 'submitted')]);
    p.ended([{ ...row('b', 0, 'succeeded'), ended_at: new Date(T0) }]);
    p.ended([{ ...row('after-a', 0, 'succeeded'), ended_at: new Date(T0) }]);
    expect(p.plan(T0)).toEqual({ start: [], outcome: 'succeeded' });
    // A view that already holds them changes nothing, and counts no attempt twice.
    p.refresh(
      view(defs, [
        row('a', 0, 'succeeded', T0),
        row('b', 0, 'succeeded', T0),
        row('after-a', 0, 'succeeded', T0),
      ]),
    );
    expect(['a', 'b', 'after-a'].map((n) => p.attempts(n))).toEqual([1, 1, 1]);
    expect(p.plan(T0)).toEqual({ start: [], outcome: 'succeeded' });
  });

  it('starts nothing once a kill is requested, and names the tasks others depend on', () => {
    const p = RunningProcess.load({
      ...view([task('a'), task('b', ['a'])]),
      kill_requested_at: new Date(T0),
      kill_reason: 'stop',
    });
    expect(p.killReason).toBe('stop');
    expect(p.plan(T0)).toEqual({ start: [], outcome: 'failed' });
    expect([...p.dependedOn]).toEqual(['a']);
  });

  it('plans what the success of a running attempt would start, without changing what it knows', () => {
    const p = RunningProcess.load(view([task('a'), task('b', ['a']), task('c', ['a']), task('d', ['b'])]));
    p.started([row('a', 0, 'submitted')]);
    expect(p.startsIfSucceeded('a', 0, T0)).toEqual(['b', 'c']);
    expect(p.startsIfSucceeded('a', 1, T0)).toEqual([]); // not its latest attempt
    expect(p.plan(T0)).toEqual({ start: [] }); // still running as far as it knows
  });

  it('after the first plan, looks only at what an end can change: a 10,000-task run plans a chain step from 2 definitions', () => {
    // A chain of 1,000 with 9,000 tasks fanning out of its head; each definition counts reads of its dependencies.
    let reads = 0;
    const counted = (t: TaskDefinition): TaskDefinition => {
      const { dependencies, ...rest } = t;
      return Object.defineProperty(rest, 'dependencies', {
        enumerable: true,
        get: () => {
          reads++;
          return dependencies;
        },
      }) as TaskDefinition;
    };
    const name = (i: number) => `t${i}`;
    const defs = [
      ...Array.from({ length: 1000 }, (_, i) => task(name(i), i === 0 ? [] : [name(i - 1)])),
      ...Array.from({ length: 9000 }, (_, i) => task(`f${i}`, [name(0)])),
    ].map(counted);
    const p = RunningProcess.load(view(defs));
    expect(p.plan(T0).start).toEqual(['t0']);
    p.started([row('t0', 0, 'submitted')]);
    p.ended([{ ...row('t0', 0, 'succeeded'), ended_at: new Date(T0) }]);
    const wide = p.plan(T0).start;
    expect(wide).toHaveLength(9001);
    p.started(wide.map((n) => row(n, 0, 'submitted')));
    for (let i = 1; i < 5; i++) {
      reads = 0;
      p.ended([{ ...row(name(i), 0, 'succeeded'), ended_at: new Date(T0) }]);
      expect(p.plan(T0).start).toEqual([name(i + 1)]);
      expect(reads).toBeLessThanOrEqual(2); // the ended task's and its one dependent's
      p.started([row(name(i + 1), 0, 'submitted')]);
    }
    reads = 0;
    p.ended([{ ...row('f7', 0, 'succeeded'), ended_at: new Date(T0) }]);
    expect(p.plan(T0)).toEqual({ start: [] });
    expect(reads).toBeLessThanOrEqual(1);
  });

  it('plans the whole process again once nothing runs, and ends it as a reload would', () => {
    const defs = [task('a'), task('b', ['a']), task('c', [], { max_attempts: 2 })];
    const p = RunningProcess.load(view(defs));
    expect(p.plan(T0).start).toEqual(['a', 'c']);
    p.started([row('a', 0, 'submitted'), row('c', 0, 'submitted')]);
    p.ended([{ ...row('c', 0, 'failed'), ended_at: new Date(T0) }]);
    expect(p.plan(T0).start).toEqual(['c']); // its retry, found from its own end alone
    p.started([row('c', 1, 'submitted')]);
    p.ended([{ ...row('c', 1, 'failed'), ended_at: new Date(T0) }]);
    p.ended([{ ...row('a', 0, 'failed'), ended_at: new Date(T0) }]);
    expect(p.plan(T0)).toEqual({ start: [], outcome: 'failed' });
  });
});
