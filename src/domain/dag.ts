import type { TaskDefinition } from './types.js';
import type { FieldProblem } from './validation-error.js';

/**
 * Structural DAG rules: unique task names, dependencies on known tasks, and
 * no cycles (the cycle is named, e.g. `a -> b -> a`).
 *
 * @example
 * checkDag([{ task_definition_name: 'a', dependencies: [{ task_definition_name: 'a' }], ... }])
 * // [{ field: 'task_definitions', problem: 'dependency cycle: a -> a' }]
 */
export function checkDag(tasks: readonly TaskDefinition[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const names = new Set<string>();
  tasks.forEach((t, i) => {
    if (names.has(t.task_definition_name)) {
      problems.push({
        field: `task_definitions[${i}].task_definition_name`,
        problem: `duplicate task name '${t.task_definition_name}'`,
      });
    }
    names.add(t.task_definition_name);
  });
  tasks.forEach((t, i) => {
    t.dependencies.forEach((d, j) => {
      if (!names.has(d.task_definition_name)) {
        problems.push({
          field: `task_definitions[${i}].dependencies[${j}].task_definition_name`,
          problem: `task '${t.task_definition_name}' depends on unknown task '${d.task_definition_name}'`,
        });
      }
    });
  });
  const cycle = findCycle(tasks);
  if (cycle) problems.push({ field: 'task_definitions', problem: `dependency cycle: ${cycle.join(' -> ')}` });
  return problems;
}

/** Returns one cycle as a closed path of task names, or null. */
export function findCycle(tasks: readonly TaskDefinition[]): string[] | null {
  // Duplicate names (reported separately) pool their dependencies, so no cycle hides behind one.
  const deps = new Map<string, string[]>();
  for (const t of tasks) {
    const names = t.dependencies.map((d) => d.task_definition_name);
    deps.set(t.task_definition_name, [...(deps.get(t.task_definition_name) ?? []), ...names]);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    const s = state.get(name);
    if (s === 'done' || !deps.has(name)) return null;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const d of deps.get(name) ?? []) {
      const found = visit(d);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const t of tasks) {
    const found = visit(t.task_definition_name);
    if (found) return found;
  }
  return null;
}
