import type { Logger } from 'pino';
import { type ExecutorResult, finalOutcome, type ReportedStatus } from '../domain/task-outcome.js';
import { type ExecutorKind, executorKindOf, type TaskDefinition, type TaskStatus } from '../domain/types.js';
import type { Executor, ExecutorHost, TaskRun } from '../executors/executor.js';
import { jobEnvironment } from '../executors/job-environment.js';
import type { LiveLogs } from '../logs/live-logs.js';
import type { LogBuffer } from '../logs/log-buffer.js';
import type { LogSource, LogStreamRef } from '../logs/log-stream-ref.js';
import type { Database } from '../storage/database.js';
import { appendMetadata } from '../storage/stores/entries-store.js';
import { enqueueNotifications } from '../storage/stores/outbox-store.js';
import {
  finishProcess,
  getProcess,
  planningView,
  runningProcessIds,
} from '../storage/stores/processes-store.js';
import type { EndedTask, FinishedTasks, TaskEnding } from '../storage/stores/task-endings-store.js';
import {
  activeTasks,
  insertTasks,
  type NewTask,
  reportTaskStatus,
  type TaskRow,
  updateTaskProgress,
} from '../storage/stores/tasks-store.js';
import { ActiveTasks } from './active-tasks.js';
import { EvaluationQueue } from './evaluation-queue.js';
import { ProcessEndings } from './process-endings.js';
import { ResultRecorder } from './result-recorder.js';
import { RunningProcess } from './running-process.js';

export interface EngineOptions {
  db: Database;
  logger: Logger;
  /** Identifies this scheduler process (lease holder, shell runner). */
  replicaId: string;
  /** Base URL jobs use to call back (`SUNDIAL_URL`). */
  publicUrl: string;
  /** Task logs (buffer, tailers, feed); whoever made them closes them, after the engine's `stop`. */
  liveLogs: LiveLogs;
  /** Called when a process ends (a waiting overlap may start now). */
  onProcessFinished?: (processId: string) => void;
  /** The SUNDIAL_TASK_TOKEN of a task (see api/auth/task-token.ts); none when absent. */
  taskToken?: (taskId: string) => string;
  /** Whether this replica surely still leads now (see ExecutorHost.mayStart); always, without. */
  leading?: () => boolean;
}

/**
 * Runs processes: decides which tasks start (pure rules in the domain),
 * records each task before an executor touches it, and reacts to executor
 * results at once, so a dependent starts as soon as its upstream ends.
 *
 * @example
 * const engine = new Engine({ db, logger, replicaId, publicUrl, liveLogs, onProcessFinished: () => scheduler.wake('tick') });
 * engine.register(new ShellExecutor(engine));
 * await engine.recover();
 * engine.markDirty(processId);
 */
export class Engine implements ExecutorHost {
  private readonly logs: LogBuffer;
  private readonly liveLogs: LiveLogs;
  private readonly executors = new Map<ExecutorKind, Executor>();
  private readonly active = new ActiveTasks((taskId, reason) => this.killTask(taskId, reason));
  /** The running processes this engine evaluates (see RunningProcess). */
  private readonly processes = new Map<string, RunningProcess>();
  private readonly evaluations = new EvaluationQueue(
    (id) => this.evaluate(id),
    (err, id) => this.evaluationFailed(err, id),
  );
  private readonly results: ResultRecorder;
  private readonly endings = new ProcessEndings((id, outcome) => this.recordEnd(id, outcome));
  /** Set when leadership is lost: nothing more starts here. */
  private abandoned = false;

  constructor(private readonly opts: EngineOptions) {
    this.liveLogs = opts.liveLogs;
    this.logs = this.liveLogs.buffer;
    this.results = new ResultRecorder({
      db: opts.db,
      runnerId: opts.replicaId,
      onRecorded: (asked, ended) => this.recorded(asked, ended),
      onError: (err, batch) =>
        opts.logger.error({ err, tasks: batch.length }, 'recording task results failed; retrying'),
    });
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
      this.logs.bind(t.id, t.process_id);
      const run = this.active.track(
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
    await this.rescan();
  }

  /** Evaluates every running process again from the database (wake-ups may have been lost). */
  async rescan(): Promise<void> {
    for (const id of await runningProcessIds(this.opts.db)) this.markDirty(id);
  }

  /**
   * Asks for a process to be evaluated soon, from its state in the database:
   * something outside this engine changed it (a start, a kill, a retry, a
   * restart). Many calls coalesce into one evaluation.
   */
  markDirty(processId: string): void {
    const known = this.processes.get(processId);
    if (known) known.stale = true;
    this.replan(processId);
  }

  /** Asks for a process to be evaluated soon from what this engine knows of it. */
  private replan(processId: string): void {
    this.evaluations.request(processId);
  }

  private evaluationFailed(err: unknown, processId: string): void {
    this.opts.logger.error({ err, processId }, 'evaluating process failed; retrying in 1 s');
    const known = this.processes.get(processId);
    if (known) known.stale = true;
    this.evaluations.at(processId, Date.now() + 1000);
  }

  private async evaluate(processId: string): Promise<void> {
    if (this.endings.has(processId)) return;
    const process = await this.current(processId);
    if (!process) return;
    const plan = process.plan(Date.now());
    await this.dispatch(processId, process, plan.start);
    if (plan.wakeAt !== undefined) this.evaluations.at(processId, plan.wakeAt);
    if (plan.outcome) this.endings.end(processId, plan.outcome);
  }

  /** Records a process's end (once the logs of its tasks are complete, see ProcessEndings). */
  private async recordEnd(processId: string, outcome: 'succeeded' | 'failed'): Promise<void> {
    try {
      const now = new Date();
      // The run's notifications are written with its end: both or neither, whatever crashes.
      const finished = await this.opts.db.transaction(async (tx) => {
        const ended = await finishProcess(tx, processId, outcome, now);
        if (ended) await enqueueNotifications(tx, ended, outcome, now);
        return ended !== undefined;
      });
      this.processes.delete(processId);
      if (!finished) return;
      this.opts.logger.info({ processId, status: outcome }, 'process finished');
      this.opts.onProcessFinished?.(processId);
      this.liveLogs.processEnded(processId);
    } catch (err) {
      this.opts.logger.error({ err, processId }, 'ending process failed; retrying in 1 s');
      this.evaluations.at(processId, Date.now() + 1000);
    }
  }

  /** The process as this engine knows it, read again when stale; undefined once it is not running. */
  private async current(processId: string): Promise<RunningProcess | undefined> {
    let process = this.processes.get(processId);
    if (process && !process.stale) return process;
    // The task definitions are a snapshot that never changes: read them once per process.
    const view = await planningView(this.opts.db, processId, { withDefinitions: !process });
    if (view?.status !== 'running') {
      this.processes.delete(processId);
      return undefined;
    }
    if (process) process.refresh(view);
    else process = RunningProcess.load(view);
    this.processes.set(processId, process);
    if (process.killRequested)
      for (const t of view.tasks)
        if (t.status !== 'succeeded' && t.status !== 'failed')
          this.killTask(t.id, process.killReason ?? 'process killed');
    return process;
  }

  /** Records every attempt that may start now in one write, then hands each to its executor. */
  private async dispatch(processId: string, process: RunningProcess, names: readonly string[]) {
    const rows = await insertTasks(
      this.opts.db,
      { processId, definitionName: process.definitionName, runnerId: this.opts.replicaId },
      names.map((name) => newTask(process, name)),
    );
    if (this.abandoned) return; // recorded just before the term ended: the next leader starts them
    process.started(rows);
    if (rows.length < names.length) this.markDirty(processId); // an attempt existed already: this copy was behind
    this.launch(process, rows);
  }

  /** Hands recorded attempts to their executors. */
  private launch(process: RunningProcess, rows: readonly TaskRow[]): void {
    if (this.abandoned) return; // the next leader starts them
    for (const row of rows) {
      const definition = process.byName.get(row.task_definition_name)!;
      const kind = row.executor;
      const max = definition.max_attempts;
      // Past max_attempts only a POST /retry grants an attempt.
      const of = row.attempt >= max ? ', retry requested' : max > 1 ? ` of ${max}` : '';
      this.liveLogs.writer.remember(row.id, row.process_id, row.executable);
      this.logs.bind(row.id, row.process_id);
      this.log(row.id, 'scheduler', `task started (attempt ${row.attempt + 1}${of}) on ${kind}`);
      const run = this.active.track(row, definition);
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

  // ---- ExecutorHost -------------------------------------------------------

  finished(taskId: string, result: ExecutorResult): void {
    const entry = this.active.get(taskId);
    if (entry?.killReason && !result.succeeded) result = { succeeded: false, reason: entry.killReason };
    const explicit = entry?.definition?.require_explicit_success ?? false;
    // The job's report may sit in the database (API, another replica): the write picks the outcome.
    const outcome = (reported: ReportedStatus) => {
      const o = finalOutcome(result, entry?.reported ?? reported, explicit);
      return { status: o.succeeded ? ('succeeded' as const) : ('failed' as const), reason: o.reason ?? null };
    };
    this.results.add({
      id: taskId,
      ...(entry && { processId: entry.run.processId }),
      outcomes: { none: outcome(undefined), succeeded: outcome('succeeded'), failed: outcome('failed') },
      next: result.succeeded && entry ? this.startsAfter(entry.run) : [],
    });
  }

  /**
   * The attempts a task's success lets start, planned before its result is
   * stored so that one write records both: a dependent starts one round
   * trip after its upstream, not two. The evaluation that follows every
   * result stays the rule; this only gets there first. Only where statements
   * are prepared (PostgreSQL): PGlite plans every statement again, and there
   * the joint statement costs more than two simple ones (1.47 against 1.11 ms
   * a hop; 0.68 against 1.02 on PostgreSQL).
   */
  private startsAfter(run: TaskRun): NewTask[] {
    if (!this.opts.db.preparesStatements) return [];
    const process = this.processes.get(run.processId);
    if (!process || process.stale || this.endings.has(run.processId)) return [];
    if (!process.dependedOn.has(run.taskDefinitionName)) return [];
    const names = process.startsIfSucceeded(run.taskDefinitionName, run.attempt, Date.now());
    return names.map((name) => newTask(process, name));
  }

  /** Task results are stored: log them, close their logs, launch what was recorded with them, plan what follows. */
  private recorded(asked: readonly TaskEnding[], { ended, started }: FinishedTasks): void {
    for (const { id } of asked) this.active.remove(id); // ended here, or already ended elsewhere
    for (const task of ended) {
      const line = task.status === 'succeeded' ? 'task succeeded' : `task failed: ${task.failure_reason}`;
      this.log(task.id, 'scheduler', line);
      const closing = this.liveLogs.taskEnded(task.id);
      if (closing) this.endings.logClosing(task.process_id, closing);
      this.processes.get(task.process_id)?.ended([task]);
    }
    for (const [processId, rows] of byProcess(started)) {
      const process = this.processes.get(processId);
      if (process) {
        process.started(rows);
        this.launch(process, rows);
        continue;
      }
      for (const row of rows) {
        this.active.track(row, undefined); // its process stopped running meanwhile: it must not run
        this.finished(row.id, { succeeded: false, reason: 'its process was no longer running' });
      }
    }
    for (const task of ended) {
      const process = this.processes.get(task.process_id);
      if (!process) this.markDirty(task.process_id);
      else if (this.mayChangePlan(process, task)) this.replan(task.process_id);
    }
  }

  /**
   * Whether a task result can change what its process does next. A success
   * nothing depends on changes nothing while another task of the process is
   * still active here: no task becomes startable and the process cannot end
   * yet (the last task to end always asks). Skipping those evaluations keeps
   * a fan-out of n tasks from planning n times.
   */
  private mayChangePlan(process: RunningProcess, task: EndedTask): boolean {
    if (task.status !== 'succeeded' || process.stale) return true;
    if (process.dependedOn.has(task.task_definition_name)) return true;
    return !this.active.anyOf(task.process_id);
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

  mayStart(): boolean {
    return !this.abandoned && (this.opts.leading?.() ?? true);
  }

  jobEnvironment(run: TaskRun): Record<string, string> {
    return jobEnvironment(run, this.opts.publicUrl, this.opts.taskToken?.(run.taskId));
  }

  /**
   * Leadership is lost: stop at once, decide and record nothing more (the
   * term's writes are refused anyway). The executors close: AWS jobs keep
   * running for the new leader to reattach; this host's shell jobs are
   * killed, because the new leader has ended them already (it cannot reach
   * a process on another host) and may be running their retries.
   */
  async abandon(): Promise<void> {
    this.abandoned = true;
    this.active.clearTimers();
    this.results.stop();
    await this.evaluations.stop();
    for (const e of this.executors.values()) await e.close();
  }

  /** Stops deciding; running jobs are left to the executors' `close`. */
  async stop(): Promise<void> {
    this.active.clearTimers();
    await this.evaluations.stop();
    await this.endings.allRecorded();
    for (const e of this.executors.values()) await e.close();
    this.results.stop();
    await this.results.idle();
    await this.logs.close();
  }
}

/** The next attempt of a task definition, as recorded. */
function newTask(process: RunningProcess, name: string): NewTask {
  const definition = process.byName.get(name)!;
  return {
    taskDefinitionName: name,
    attempt: process.attempts(name),
    executor: executorKindOf(definition.executable),
    executable: definition.executable,
  };
}

function byProcess(rows: readonly TaskRow[]): Map<string, TaskRow[]> {
  const out = new Map<string, TaskRow[]>();
  for (const row of rows) {
    const list = out.get(row.process_id);
    if (list) list.push(row);
    else out.set(row.process_id, [row]);
  }
  return out;
}

function noExecutor(kind: ExecutorKind): string {
  return `no ${kind} executor is configured on this scheduler`;
}
