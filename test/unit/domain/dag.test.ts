import { describe, expect, it } from 'vitest';
import { checkDag, findCycle } from '../../../src/domain/dag.js';
import type { TaskDefinition } from '../../../src/domain/types.js';

const task = (name: string, ...deps: string[]): TaskDefinition => ({
  task_definition_name: name,
  dependencies: deps.map((task_definition_name) => ({ task_definition_name })),
  executable: { shell_script_command: { script: 'true' } },
  max_attempts: 1,
  backoff_base_seconds: 0,
});

describe('DAG checks', () => {
  it('accepts a diamond', () => {
    expect(checkDag([task('a'), task('b', 'a'), task('c', 'a'), task('d', 'b', 'c')])).toEqual([]);
  });

  it('names a self-dependency', () => {
    expect(checkDag([task('a', 'a')])).toEqual([
      { field: 'task_definitions', problem: 'dependency cycle: a -> a' },
    ]);
  });

  it('names every task of a longer cycle, in order', () => {
    const cycle = findCycle([task('start'), task('x', 'start', 'z'), task('y', 'x'), task('z', 'y')]);
    expect(cycle).toEqual(['x', 'z', 'y', 'x']);
    const [problem] = checkDag([task('x', 'z'), task('y', 'x'), task('z', 'y')]);
    expect(problem?.problem).toMatch(/^dependency cycle: (\w) -> (\w) -> (\w) -> \1$/);
    for (const name of ['x', 'y', 'z']) expect(problem?.problem).toContain(name);
  });

  it('names an unknown dependency and where it is', () => {
    expect(checkDag([task('a'), task('b', 'a', 'ghost')])).toEqual([
      {
        field: 'task_definitions[1].dependencies[1].task_definition_name',
        problem: "task 'b' depends on unknown task 'ghost'",
      },
    ]);
  });

  it('names duplicate task names', () => {
    expect(checkDag([task('a'), task('b'), task('a')])).toEqual([
      { field: 'task_definitions[2].task_definition_name', problem: "duplicate task name 'a'" },
    ]);
  });

  it('reports every problem at once', () => {
    expect(checkDag([task('a', 'a'), task('a'), task('b', 'nope')])).toHaveLength(3);
  });
});
