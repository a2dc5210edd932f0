import type { ExecutorResult } from '../domain/task-outcome.js';
import type { ExecutorKind, TaskExecutable, TaskStatus } from '../domain/types.js';
import type { LogSource, LogStreamRef } from '../logs/log-stream-ref.js';

/**
 * One attempt as an executor sees it: `executable` is the command of its kind, `executionState`
 * the executor's own durable bookkeeping (what it recorded through `host.progress`). The engine
 * hands each executor only runs of its kind.
 *
 * @example
 * type BatchRun = TaskRun<{ batch_image_command: BatchImageCommand }, { jobId?: string }>;
 */
export interface TaskRun<C extends TaskExecutable = TaskExecutable, S extends object = object> {
  taskId: string;
  processId: string;
  definitionName: string;
  taskDefinitionName: string;
  /** Number of earlier attempts of this task definition in this process. */
  attempt: number;
  executable: C;
  executionState: S;
  startedAt: Date;
}

/**
 * What the engine offers executors. Everything is keyed by task id and safe
 * to call after the task ended (late calls are ignored).
 */
export interface ExecutorHost {
  /** The job stopped: final executor result (the engine applies explicit-success rules). */
  finished(taskId: string, result: ExecutorResult): void;
  /** Intermediate status plus bookkeeping to persist (AWS ids) before it is needed again. */
  progress(taskId: string, status: TaskStatus, executionState?: Record<string, unknown>): Promise<void>;
  log(taskId: string, source: LogSource, message: string): void;
  metadata(taskId: string, key: string, value: string): void;
  /** The job's own `**status=` report. */
  reported(taskId: string, status: 'succeeded' | 'failed'): void;
  /**
   * Follow a remote log (CloudWatch stream, gzipped EMR step log in S3) into the
   * task's log until the task ends plus a grace period. Safe to call again with
   * the same ref (after a restart): the tailer resumes from its stored cursor.
   */
  watchLogs(taskId: string, ref: LogStreamRef): void;
  /**
   * Whether this scheduler surely still leads at this instant (its lease renewed less than a lease
   * period ago): checked right before a local process is spawned, the one act a refused write
   * cannot undo.
   */
  mayStart(): boolean;
  /** Environment every job receives so it can call back (SUNDIAL_URL, SUNDIAL_TASK_ID, …). */
  jobEnvironment(run: TaskRun): Record<string, string>;
}

/**
 * One way of running jobs. The engine records the task before `start`, so
 * `start` may be replayed after a crash and must not create a second job.
 *
 * @example
 * class NoopExecutor implements Executor {
 *   readonly kind = 'shell';
 *   async start(run: TaskRun) { this.host.finished(run.taskId, { succeeded: true }); }
 *   async kill() {}
 *   async resume() {}
 *   async close() {}
 * }
 */
export interface Executor<R extends TaskRun = TaskRun> {
  readonly kind: ExecutorKind;
  start(run: R): Promise<void>;
  /** Stops the job; the executor then reports `finished` with a failure. */
  kill(run: R, reason: string): Promise<void>;
  /** After a (re)start of the scheduler: reattach to these still-active tasks, or end them with a reason. */
  resume(runs: readonly R[]): Promise<void>;
  /**
   * Stops following jobs. Jobs that outlive this process (AWS) keep running for the next leader
   * to reattach; local ones (shell) get `graceMs` to finish, then are killed and reported
   * finished with a reason, all before this resolves.
   */
  close(graceMs?: number): Promise<void>;
}
