import type { ExecutorKind, TaskDefinition } from '../domain/types.js';
import type { TaskRun } from '../executors/executor.js';

/** A task this engine handed to an executor and has not seen end. */
export interface ActiveTask {
  run: TaskRun;
  kind: ExecutorKind;
  definition: TaskDefinition | undefined;
  killReason?: string;
  /** A `**status=` line seen in output: kept here too, as its database write may still be in flight. */
  reported?: 'succeeded' | 'failed';
  runtimeTimer?: NodeJS.Timeout;
}

/**
 * The engine's active tasks by id, with a count per process (whether a
 * process still has a task running here is asked after every task end).
 *
 * @example
 * const active = new ActiveTasks();
 * active.add({ run, kind: 'shell', definition });
 * active.remove(run.taskId); // clears its max-runtime timer
 */
export class ActiveTasks {
  private readonly byId = new Map<string, ActiveTask>();
  private readonly perProcess = new Map<string, number>();

  get(taskId: string): ActiveTask | undefined {
    return this.byId.get(taskId);
  }

  has(taskId: string): boolean {
    return this.byId.has(taskId);
  }

  add(task: ActiveTask): void {
    this.byId.set(task.run.taskId, task);
    const processId = task.run.processId;
    this.perProcess.set(processId, (this.perProcess.get(processId) ?? 0) + 1);
  }

  /** Forgets an ended task and stops its max-runtime timer. */
  remove(taskId: string): ActiveTask | undefined {
    const task = this.byId.get(taskId);
    if (!task) return undefined;
    clearTimeout(task.runtimeTimer);
    this.byId.delete(taskId);
    const processId = task.run.processId;
    const left = (this.perProcess.get(processId) ?? 1) - 1;
    if (left > 0) this.perProcess.set(processId, left);
    else this.perProcess.delete(processId);
    return task;
  }

  /** Whether a task of the process is still active here. */
  anyOf(processId: string): boolean {
    return this.perProcess.has(processId);
  }

  /** Stops every max-runtime timer (shutdown). */
  clearTimers(): void {
    for (const t of this.byId.values()) clearTimeout(t.runtimeTimer);
  }
}
