import type { ExecutorKind, TaskDefinition } from '../domain/types.js';
import type { TaskRun } from '../executors/executor.js';
import type { TaskRow } from '../storage/stores/tasks-store.js';

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
 * process still has a task running here is asked after every task end),
 * and a timer per task for its `max_runtime_seconds`.
 *
 * @example
 * const active = new ActiveTasks((taskId, reason) => engine.killTask(taskId, reason));
 * const run = active.track(row, definition); // what the executor gets
 * active.remove(run.taskId); // clears its max-runtime timer
 */
export class ActiveTasks {
  private readonly byId = new Map<string, ActiveTask>();
  private readonly perProcess = new Map<string, number>();

  /** `overran` is called when a task outlives its `max_runtime_seconds`. */
  constructor(private readonly overran: (taskId: string, reason: string) => void) {}

  /** Starts tracking a recorded task; returns the run its executor gets. */
  track(row: TaskRow, definition: TaskDefinition | undefined): TaskRun {
    const run: TaskRun = {
      taskId: row.id,
      processId: row.process_id,
      definitionName: row.definition_name,
      taskDefinitionName: row.task_definition_name,
      attempt: row.attempt,
      executable: row.executable,
      executionState: row.execution_state,
      startedAt: row.started_at,
    };
    const limit = definition?.max_runtime_seconds;
    const runtimeTimer = limit
      ? setTimeout(
          () => this.overran(row.id, `exceeded max_runtime_seconds (${limit} s)`),
          Math.max(0, row.started_at.getTime() + limit * 1000 - Date.now()),
        )
      : undefined;
    this.add({ run, kind: row.executor, definition, ...(runtimeTimer && { runtimeTimer }) });
    return run;
  }

  get(taskId: string): ActiveTask | undefined {
    return this.byId.get(taskId);
  }

  has(taskId: string): boolean {
    return this.byId.has(taskId);
  }

  private add(task: ActiveTask): void {
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
