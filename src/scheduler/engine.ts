import type { Logger } from 'pino';
import { planProcess } from '../domain/process-plan.js';
import { type ExecutorResult, finalOutcome } from '../domain/task-outcome.js';
import { type ExecutorKind, executorKindOf, type TaskDefinition, type TaskStatus } from '../domain/types.js';
import type { Executor, ExecutorHost, LogSource, LogStreamRef, TaskRun } from '../executors/executor.js';
import { LiveLogs } from '../logs/live-logs.js';
import type { Database } from '../storage/database.js';
import { appendMetadata } from '../storage/stores/entries-store.js';
import {
  finishProcess,
  getProcess,
  planningView,
  runningProcessIds,
} from '../storage/stores/processes-store.js';
import {
  activeTasks,
  finishTask,
  getTask,
  insertTasks,
  reportTaskStatus,
  type TaskRow,
  updateTaskProgress,
} from '../storage/stores/tasks-store.js';
import type { LogBuffer } from './log-buffer.js';
import { progressFromTasks } from './progress-view.js';

export interface EngineOptions {
  db: Database;
  logger: Logger;
  /** Identifies this scheduler process (lease holder, shell runner). */
  replicaId: string;
  /** Base URL jobs use to call back (`SUNDIAL_URL`). */
  publicUrl: string;
  /** Task logs (buffer, tailers, feed); when absent the engine makes and closes its own. */
  liveLogs?: LiveLogs;
}

interface ActiveTask {
  run: TaskRun;
  kind: ExecutorKind;
  definition: TaskDefinition | undefined;
  killReason?: string;
  /** A `**status=` line seen in output: kept here too, as its database write may still be in flight. */
  reported?: 'succeeded' | 'failed';
  runtimeTimer?: NodeJS.Timeout;
}

/**
 * Runs processes: decides which tasks start (pure rules in the domain),
 * records each task before an executor touches it, and reacts to executor
 * results at once, so a dependent starts as soon as its upstream ends.
 *
 * @example
 * const engine = new Engine({ db, logger, replicaId, publicUrl });
 * engine.register(new ShellExecutor(engine));
 * await engine.recover();
 * engine.markDirty(processId);
 */
export class Engine implements ExecutorHost {
  readonly logs: LogBuffer;
  private readonly liveLogs: LiveLogs;
  private readonly executors = new Map<ExecutorKind, Executor>();
  private readonly active = new Map<string, ActiveTask>();
  private readonly dirty = new Set<string>();
  private readonly wakeTimers = new Map<string, NodeJS.Timeout>();
  /** Task definitions of the running processes this engine evaluates, by name. */
  private readonly snapshots = new Map<string, Snapshot>();
  /** Tasks of each process in `active`. */
  private readonly activeByProcess = new Map<string, number>();
  private flushing: Promise<void> | undefined;
  /** Task results being written; `stop` waits for them so a shutdown does not lose them. */
  private readonly recording = new Set<Promise<void>>();
  private stopped = false;
  /** Called when a process ends (overlap waits and notifications hang off it). */
  onProcessFinished: (processId: string) => void = () => {};

  constructor(private readonly opts: EngineOptions) {
    this.liveLogs =
      opts.liveLogs ?? new LiveLogs({ db: opts.db, logger: opts.logger, replicaId: opts.replicaId });
    this.logs = this.liveLogs.buffer;
  }

  register(executor: Executor): void {
    this.executors.set(executor.kind, executor);
  }

  /** Reattaches every active task and re-evaluates every running process (leader start-up). */
  async recover(): Promise<void> {
    const tasks = await activeTasks(this.opts.db);
    const byKind = new Map<ExecutorKind, TaskRun[]>();
    const definitions = new Map<string, TaskDefinition[]>();
    for (const t of tasks) {
      if (this.active.has(t.id)) continue;
      let defs = definitions.get(t.process_id);
      if (!defs) {
        defs = (await getProcess(this.opts.db, t.process_id))?.task_definitions ?? [];
        definitions.set(t.process_id, defs);
      }
      const run = this.track(
        t,
        defs.find((d) => d.task_definition_name === t.task_definition_name),
      );
      byKind.set(t.executor, [...(byKind.get(t.executor) ?? []), run]);
    }
    for (const [kind, runs] of byKind) {
      const executor = this.executors.get(kind);
      if (executor) await executor.resume(runs);
      else for (const r of runs) this.finished(r.taskId, { succeeded: false, reason: noExecutor(kind) });
    }
    await this.liveLogs.recover(); // tailers of streams no executor re-watched (ended tasks in their grace period)
    for (const id of await runningProcessIds(this.opts.db)) this.markDirty(id);
  }

  /** Asks for a process to be evaluated soon; many calls coalesce into one evaluation. */
  markDirty(processId: string): void {
    if (this.stopped) return;
    this.dirty.add(processId);
    if (!this.flushing)
      this.flushing = new Promise((resolve) => setImmediate(() => void this.flush().then(resolve)));
  }

  private async flush(): Promise<void> {
    while (this.dirty.size > 0 && !this.stopped) {
      const ids = [...this.dirty];
      this.dirty.clear();
      for (const id of ids) {
        try {
          await this.evaluate(id);
        } catch (err) {
          this.opts.logger.error({ err, processId: id }, 'evaluating process failed; retrying in 1 s');
          this.wakeAt(id, Date.now() + 1000);
        }
      }
    }
    this.flushing = undefined;
  }

  private async evaluate(processId: string): Promise<void> {
    const { db } = this.opts;
    // A process's task definitions are a snapshot that never changes: read them once per process.
    const known = this.snapshots.get(processId);
    const process = await planningView(db, processId, { withDefinitions: !known });
    if (process?.status !== 'running') {
      this.snapshots.delete(processId);
      return;
    }
    const snapshot = known ?? snapshotOf(process.task_definitions!);
    this.snapshots.set(processId, snapshot);
    const definitions = snapshot.byName;
    const rows = process.tasks;
    const killRequested = process.kill_requested_at !== null;
    if (killRequested) {
      for (const r of rows)
        if (r.status !== 'succeeded' && r.status !== 'failed')
          this.killTask(r.id, process.kill_reason ?? 'process killed');
    }
    const progress = progressFromTasks(rows);
    const now = Date.now();
    const plan = planProcess(
      { taskDefinitions: [...definitions.values()], progress, killRequested, grants: process.retry_grants },
      now,
    );
    await this.dispatch(
      processId,
      process.definition_name,
      plan.start.map((name) => ({
        definition: definitions.get(name)!,
        attempt: progress.get(name)?.attempts ?? 0,
      })),
    );
    if (plan.wakeAt !== undefined) this.wakeAt(processId, plan.wakeAt);
    if (plan.outcome && (await finishProcess(db, processId, plan.outcome, new Date(now)))) {
      this.snapshots.delete(processId);
      this.opts.logger.info({ processId, status: plan.outcome }, 'process finished');
      this.onProcessFinished(processId);
      this.liveLogs.processEnded(processId);
    }
  }

  /** Records every attempt that may start now in one write, then hands each to its executor. */
  private async dispatch(
    processId: string,
    definitionName: string,
    starts: readonly { definition: TaskDefinition; attempt: number }[],
  ) {
    const rows = await insertTasks(
      this.opts.db,
      { processId, definitionName, runnerId: this.opts.replicaId, now: new Date() },
      starts.map(({ definition, attempt }) => ({
        taskDefinitionName: definition.task_definition_name,
        attempt,
        executor: executorKindOf(definition.executable),
        executable: definition.executable,
      })),
    );
    const inserted = new Map(rows.map((r) => [r.task_definition_name, r]));
    for (const { definition, attempt } of starts) {
      const row = inserted.get(definition.task_definition_name);
      if (!row) continue; // this attempt exists already
      const kind = row.executor;
      const max = definition.max_attempts;
      // Past max_attempts only a POST /retry grants an attempt.
      const of = attempt >= max ? ', retry requested' : max > 1 ? ` of ${max}` : '';
      this.log(row.id, 'scheduler', `task started (attempt ${attempt + 1}${of}) on ${kind}`);
      const run = this.track(row, definition);
      const executor = this.executors.get(kind);
      if (!executor) {
        this.finished(row.id, { succeeded: false, reason: noExecutor(kind) });
        continue;
      }
      executor.start(run).catch((e: Error) => {
        this.log(row.id, 'scheduler', `could not start the job: ${e.message}`);
        this.finished(row.id, { succeeded: false, reason: `could not start the job: ${e.message}` });
      });
    }
  }

  private track(row: TaskRow, definition: TaskDefinition | undefined): TaskRun {
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
    const entry: ActiveTask = { run, kind: row.executor, definition };
    const limit = definition?.max_runtime_seconds;
    if (limit) {
      const due = row.started_at.getTime() + limit * 1000 - Date.now();
      entry.runtimeTimer = setTimeout(
        () => this.killTask(row.id, `exceeded max_runtime_seconds (${limit} s)`),
        Math.max(0, due),
      );
    }
    this.active.set(row.id, entry);
    this.activeByProcess.set(row.process_id, (this.activeByProcess.get(row.process_id) ?? 0) + 1);
    return run;
  }

  /** Kills one active task; it then fails with `reason`. */
  killTask(taskId: string, reason: string): void {
    const entry = this.active.get(taskId);
    if (!entry) return;
    if (entry.killReason) return;
    entry.killReason = reason;
    this.log(taskId, 'scheduler', `killing the job: ${reason}`);
    const executor = this.executors.get(entry.kind);
    if (!executor) {
      this.finished(taskId, { succeeded: false, reason });
      return;
    }
    executor.kill(entry.run, reason).catch((e: Error) => {
      this.log(taskId, 'scheduler', `kill failed: ${e.message}`);
    });
  }

  private wakeAt(processId: string, at: number): void {
    clearTimeout(this.wakeTimers.get(processId));
    const timer = setTimeout(
      () => {
        this.wakeTimers.delete(processId);
        this.markDirty(processId);
      },
      Math.max(0, at - Date.now()),
    );
    this.wakeTimers.set(processId, timer);
  }

  // ---- ExecutorHost -------------------------------------------------------

  finished(taskId: string, result: ExecutorResult): void {
    const recording = this.finish(taskId, result)
      .catch((err) => this.opts.logger.error({ err, taskId }, 'recording a task result failed'))
      .finally(() => this.recording.delete(recording));
    this.recording.add(recording);
  }

  private async finish(taskId: string, result: ExecutorResult): Promise<void> {
    const entry = this.active.get(taskId);
    if (entry?.killReason && !result.succeeded) result = { succeeded: false, reason: entry.killReason };
    // One flush, after the outcome line: the job's output and that line land in order, in one write.
    const task = await getTask(this.opts.db, taskId);
    if (!task) return;
    const outcome = finalOutcome(
      result,
      entry?.reported ?? task.reported_status ?? undefined,
      entry?.definition?.require_explicit_success ?? false,
    );
    this.log(taskId, 'scheduler', outcome.succeeded ? 'task succeeded' : `task failed: ${outcome.reason}`);
    await this.logs.flush(taskId);
    const status = outcome.succeeded ? 'succeeded' : 'failed';
    const processId = await finishTask(this.opts.db, taskId, status, outcome.reason ?? null, new Date());
    if (entry) {
      clearTimeout(entry.runtimeTimer);
      this.active.delete(taskId);
      const left = (this.activeByProcess.get(entry.run.processId) ?? 1) - 1;
      if (left > 0) this.activeByProcess.set(entry.run.processId, left);
      else this.activeByProcess.delete(entry.run.processId);
    }
    if (processId) this.liveLogs.taskEnded(taskId);
    if (processId && this.mayChangePlan(processId, task.task_definition_name, outcome.succeeded))
      this.markDirty(processId);
  }

  /**
   * Whether a task result can change what its process does next. A success
   * nothing depends on changes nothing while another task of the process is
   * still active here: no task becomes startable and the process cannot end
   * yet (the last task to end always asks). Skipping those evaluations keeps
   * a fan-out of n tasks from reading its n task rows n times.
   */
  private mayChangePlan(processId: string, name: string, succeeded: boolean): boolean {
    if (!succeeded) return true;
    const snapshot = this.snapshots.get(processId);
    if (!snapshot || snapshot.dependedOn.has(name)) return true;
    return !this.activeByProcess.has(processId);
  }

  async progress(
    taskId: string,
    status: TaskStatus,
    executionState?: Record<string, unknown>,
  ): Promise<void> {
    const entry = this.active.get(taskId);
    if (entry && executionState)
      entry.run.executionState = { ...entry.run.executionState, ...executionState };
    await updateTaskProgress(this.opts.db, taskId, status, executionState);
  }

  log(taskId: string, source: LogSource, message: string): void {
    // Scheduler events are kept even past the per-task cap: they say what happened.
    this.logs.add(taskId, { at: new Date(), source, message, keep: source === 'scheduler' });
  }

  metadata(taskId: string, key: string, value: string): void {
    void appendMetadata(this.opts.db, taskId, [{ at: new Date(), key, value }]).catch((err) =>
      this.opts.logger.error({ err, taskId }, 'writing metadata failed'),
    );
  }

  reported(taskId: string, status: 'succeeded' | 'failed'): void {
    const entry = this.active.get(taskId);
    if (entry) entry.reported = status;
    void reportTaskStatus(this.opts.db, taskId, status).catch((err) =>
      this.opts.logger.error({ err, taskId }, 'recording a reported status failed'),
    );
  }

  watchLogs(taskId: string, ref: LogStreamRef): void {
    this.liveLogs.watch(taskId, ref);
  }

  jobEnvironment(run: TaskRun): Record<string, string> {
    return {
      SUNDIAL_URL: this.opts.publicUrl,
      SUNDIAL_TASK_ID: run.taskId,
      SUNDIAL_PROCESS_ID: run.processId,
      SUNDIAL_PROCESS_DEFINITION_NAME: run.definitionName,
      SUNDIAL_TASK_DEFINITION_NAME: run.taskDefinitionName,
      SUNDIAL_TASK_PREVIOUS_ATTEMPTS: String(run.attempt),
    };
  }

  /** Stops deciding; running jobs are left to the executors' `close`. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.wakeTimers.values()) clearTimeout(t);
    for (const a of this.active.values()) clearTimeout(a.runtimeTimer);
    await this.flushing;
    for (const e of this.executors.values()) await e.close();
    await Promise.all(this.recording);
    await this.logs.close();
    if (!this.opts.liveLogs) await this.liveLogs.close();
  }
}

/** A running process's task definitions by name, and the names other tasks depend on. */
interface Snapshot {
  byName: Map<string, TaskDefinition>;
  dependedOn: Set<string>;
}

function snapshotOf(definitions: readonly TaskDefinition[]): Snapshot {
  return {
    byName: new Map(definitions.map((t) => [t.task_definition_name, t])),
    dependedOn: new Set(definitions.flatMap((t) => t.dependencies.map((d) => d.task_definition_name))),
  };
}

function noExecutor(kind: ExecutorKind): string {
  return `no ${kind} executor is configured on this scheduler`;
}
