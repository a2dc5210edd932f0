import type { ProcessDefinition, TaskDefinition, TaskExecutable } from '../../src/domain/types.js';

/** The two cheapest real tasks: `noop_command`, and a shell job running `true`. */
export type TrivialKind = 'noop' | 'shell';

export const executableOf = (kind: TrivialKind): TaskExecutable =>
  kind === 'noop' ? { noop_command: {} } : { shell_script_command: { script: 'true' } };

/** Zero-padded task names sort in chain order. */
export const taskName = (i: number) => `t${String(i).padStart(6, '0')}`;

function task(i: number, kind: TrivialKind, after?: number): TaskDefinition {
  return {
    task_definition_name: taskName(i),
    dependencies:
      after === undefined ? [] : [{ task_definition_name: taskName(after), success_required: true }],
    executable: executableOf(kind),
    max_attempts: 1,
    backoff_base_seconds: 0,
  };
}

/**
 * `n` trivial tasks, each depending on the one before.
 *
 * @example
 * chainDefinition('chain-noop', 500, 'noop').task_definitions[1].dependencies // [{ task_definition_name: 't000000', … }]
 */
export function chainDefinition(name: string, n: number, kind: TrivialKind): ProcessDefinition {
  return {
    process_definition_name: name,
    task_definitions: Array.from({ length: n }, (_, i) => task(i, kind, i === 0 ? undefined : i - 1)),
  };
}

/** `n` independent trivial tasks: one process, all startable at once. */
export function fanOutDefinition(name: string, n: number, kind: TrivialKind): ProcessDefinition {
  return {
    process_definition_name: name,
    task_definitions: Array.from({ length: n }, (_, i) => task(i, kind)),
  };
}
