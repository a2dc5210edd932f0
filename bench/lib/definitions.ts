import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { ProcessDefinition, TaskDefinition, TaskExecutable } from '../../src/domain/types.js';

/** The two cheapest real tasks: `noop_command`, and a shell job running `true`. */
export type TrivialKind = 'noop' | 'shell';

export const executableOf = (kind: TrivialKind): TaskExecutable =>
  kind === 'noop' ? { noop_command: {} } : { shell_script_command: { script: 'true' } };

/**
 * The same work as Sundial's trivial tasks, done directly (graphile-worker's task, the spawn
 * ceiling): nothing, or `bash -c true` spawned the way its shell executor does (stdin from
 * /dev/null: a socket there would make bash read ~/.bashrc).
 *
 * @example
 * await trivialWork('shell');
 */
export async function trivialWork(kind: TrivialKind): Promise<void> {
  if (kind === 'noop') return;
  const child = spawn('bash', ['-c', 'true'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.resume();
  child.stderr.resume();
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`bash -c true exited with ${code}`);
}

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
