import type { Logger } from 'pino';
import type { ExecutorResult } from '../domain/task-outcome.js';
import type { ExecutorKind, TaskDefinition, TaskStatus } from '../domain/types.js';
import type { Executor, ExecutorHost, TaskRun } from '../executors/executor.js';
import { jobEnvironment } from '../executors/job-environment.js';
import type { LiveLogs } from '../logs/live-logs.js';
import type { LogBuffer } from '../logs/log-buffer.js';
import type { LogSource, LogStreamRef } from '../logs/log-stream-ref.js';
import type { Database } from '../storage/database.js';
import { appendMetadata } from '../storage/stores/entries-store.js';
import { getProcess } from '../storage/stores/processes-store.js';
import {
  activeTasks,
  activeTasksAmong,
  reportTaskStatus,
  type TaskRow,
} from '../storage/stores/tasks-store.js';
import { ActiveTasks } from './active-tasks.js';
import { noExecutor, ProcessDispatcher } from './process-dispatcher.js';
import { ProgressWriter } from './progress-writer.js';
import { TaskResults } from './task-results.js';
import { UntrackedAttempts } from './untracked-attempts.js';

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
  /** How long each dispatch took (see ProcessDispatcherOptions.onDispatched). */
  onDispatched?: (ms: number) => void;
  /** The SUNDIAL_TASK_TOKEN of a task (see api/auth/task-token.ts); none when absent. */
  taskToken?: (taskId: string) => string;
  /** Whether this replica surely still leads now (see ExecutorHost.mayStart); always, without. */
  leading?: () => boolean;
  /**
   * How long an attempt may be active in the database yet unknown to this engine before it is
   * adopted (see UntrackedAttempts): at least the lease period. Default 17 s (the default lease and 2 s).
   */
  untrackedGraceMs?: number;
}

/**
 * Runs processes: decides which tasks start (pure rules in the domain),
 * records each task before an executor touches it, and reacts to executor
 * results at once, so a dependent starts as soon as its upstream ends.
 * It is what executors talk to (ExecutorHost) and owns the shared parts:
 * planning and launching are in ProcessDispatcher, storing results and
 * reacting to them in TaskResults.
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
  private readonly dispatcher: ProcessDispatcher;
  private readonly results: TaskResults;
  /** Executors' progress records, several tasks to a statement when they come together. */
  private readonly progressWriter: ProgressWriter;
  private readonly untracked: UntrackedAttempts;
  /** Set when leadership is lost: nothing more starts here. */
  private abandoned = false;
  /** Set when shutting down: nothing more starts here, but what runs is still followed and recorded. */
  private draining = false;

  constructor(private readonly opts: EngineOptions) {
    this.liveLogs = opts.liveLogs;
    this.logs = this.liveLogs.buffer;
    this.progressWriter = new ProgressWriter(opts.db);
    const { db, logger, replicaId, liveLogs } = opts;
    const log = (taskId: string, source: LogSource, message: string) => this.log(taskId, source, message);
    this.dispatcher = new ProcessDispatcher({
      db,
      logger,
      replicaId,
      liveLogs,
      active: this.active,
      executors: this.executors,
      fail: (taskId, reason) => this.finished(taskId, { succeeded: false, reason }),
      kill: (taskId, reason) => this.killTask(taskId, reason),
      log,
      halted: () => this.abandoned || this.draining,
      untracked: (taskIds) => this.untracked.seen(taskIds),
      ...(opts.onProcessFinished && { onProcessFinished: opts.onProcessFinished }),
      ...(opts.onDispatched && { onDispatched: opts.onDispatched }),
    });
    this.untracked = new UntrackedAttempts({
      graceMs: opts.untrackedGraceMs ?? 17_000,
      tracked: (taskId) => this.active.has(taskId),
      halted: () => this.abandoned || this.draining,
      read: (ids) => activeTasksAmong(db, ids),
      adopt: async (rows) => {
        logger.warn(
          { tasks: rows.map((r) => r.id) },
          'adopting attempts recorded but never handed to an executor (a write whose answer was lost)',
        );
        await this.adopt(rows);
      },
      onError: (err) => logger.error({ err }, 'adopting untracked attempts failed'),
    });
    this.results = new TaskResults({
      db,
      logger,
      replicaId,
      liveLogs,
      active: this.active,
      dispatcher: this.dispatcher,
      log,
    });
  }

  register(executor: Executor): void {
    this.executors.set(executor.kind, executor);
  }

  /** Reattaches every active task and re-evaluates every running process (leader start-up). */
  async recover(): Promise<void> {
    await this.adopt(await activeTasks(this.opts.db));
    await this.liveLogs.recover(); // tailers of streams no executor re-watched (ended tasks in their grace period)
    await this.rescan();
  }

  /** Tracks recorded attempts this engine does not follow yet and hands them to their executors' `resume`. */
  private async adopt(tasks: readonly TaskRow[]): Promise<void> {
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
  }

  /** Evaluates every running process again from the database (wake-ups may have been lost). */
  rescan(): Promise<void> {
    return this.dispatcher.rescan();
  }

  /**
   * Asks for a process to be evaluated soon, from its state in the database:
   * something outside this engine changed it (a start, a kill, a retry, a
   * restart). Many calls coalesce into one evaluation.
   */
  markDirty(processId: string): void {
    this.dispatcher.markDirty(processId);
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
    this.results.finished(taskId, result);
  }

  async progress(
    taskId: string,
    status: TaskStatus,
    executionState?: Record<string, unknown>,
  ): Promise<void> {
    const entry = this.active.get(taskId);
    if (entry && executionState)
      entry.run.executionState = { ...entry.run.executionState, ...executionState };
    await this.progressWriter.write(taskId, status, executionState);
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
    this.untracked.stop();
    this.active.clearTimers();
    this.results.stop();
    await this.dispatcher.stop();
    for (const e of this.executors.values()) await e.close();
  }

  /**
   * Stops for a shutdown while this replica still leads: starts nothing
   * more (attempts that could start are left to the next leader), gives
   * local jobs `graceMs` to end (see Executor.close), records their results
   * and the process ends they lead to, then stops deciding. AWS jobs keep
   * running for the next leader to reattach.
   */
  async stop(graceMs = 0): Promise<void> {
    this.draining = true;
    this.untracked.stop();
    await Promise.all([...this.executors.values()].map((e) => e.close(graceMs)));
    this.active.clearTimers();
    await this.results.idle();
    await this.dispatcher.idle();
    await this.dispatcher.endings.allRecorded();
    await this.dispatcher.stop();
    this.results.stop();
    await this.results.idle();
    await this.logs.close();
  }
}
