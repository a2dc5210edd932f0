import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { type ExecutorKind, executorKindOf, isTaskActive } from '../domain/types.js';
import type { Executor, TaskRun } from '../executors/executor.js';
import type { LiveLogs } from '../logs/live-logs.js';
import type { LogSource } from '../logs/log-stream-ref.js';
import type { Database } from '../storage/database.js';
import { enqueueNotifications } from '../storage/stores/outbox-store.js';
import { finishProcess, planningView, runningProcessIds } from '../storage/stores/processes-store.js';
import { insertTasks, type NewTask, type TaskRow } from '../storage/stores/tasks-store.js';
import type { ActiveTasks } from './active-tasks.js';
import { EvaluationQueue } from './evaluation-queue.js';
import { ProcessEndings } from './process-endings.js';
import { RunningProcess } from './running-process.js';

export interface ProcessDispatcherOptions {
  db: Database;
  logger: Logger;
  /** Recorded as the runner of the attempts this dispatcher records. */
  replicaId: string;
  liveLogs: LiveLogs;
  /** The engine's active tasks: launched attempts are tracked there. */
  active: ActiveTasks;
  /** The engine's executors by kind (filled by `Engine.register`). */
  executors: ReadonlyMap<ExecutorKind, Executor>;
  /** Ends a task as failed (it could not start). */
  fail: (taskId: string, reason: string) => void;
  /** Kills an active task (its process was asked to die). */
  kill: (taskId: string, reason: string) => void;
  log: (taskId: string, source: LogSource, message: string) => void;
  /** Whether nothing more may start here: the engine's term is over, or the replica is shutting down. */
  halted: () => boolean;
  /** Attempts a read of a process found active but not tracked here (see UntrackedAttempts). */
  untracked: (taskIds: readonly string[]) => void;
  /** Called when a process ends (a waiting overlap may start now). */
  onProcessFinished?: (processId: string) => void;
  /** How long a dispatch took, from the decision to the jobs handed to their executors (metrics). */
  onDispatched?: (ms: number) => void;
}

/**
 * The dispatch half of the engine: evaluates running processes (pure rules
 * in the domain), records each attempt that may start before an executor
 * touches it, hands it to its executor, and records a process's end.
 *
 * @example
 * const dispatcher = new ProcessDispatcher({ db, logger, replicaId, liveLogs, active, executors, fail, kill, log, halted });
 * dispatcher.markDirty(processId);
 * await dispatcher.stop();
 */
export class ProcessDispatcher {
  /** The running processes this engine evaluates (see RunningProcess). */
  private readonly processes = new Map<string, RunningProcess>();
  /**
   * Processes changed outside this engine (a kill, a retry, a start) since
   * their last read began. Kept here, not on the RunningProcess: a change
   * that lands while the first read of a process (or a re-read) is under way
   * must not be lost when that read's older view is stored.
   */
  private readonly changedElsewhere = new Set<string>();
  private readonly evaluations = new EvaluationQueue(
    (id) => this.evaluate(id),
    (err, id) => this.evaluationFailed(err, id),
  );
  readonly endings = new ProcessEndings((id, outcome) => this.recordEnd(id, outcome));

  constructor(private readonly opts: ProcessDispatcherOptions) {}

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
    this.changedElsewhere.add(processId);
    this.replan(processId);
  }

  /** Asks for a process to be evaluated soon from what this engine knows of it. */
  replan(processId: string): void {
    this.evaluations.request(processId);
  }

  /** The process as this engine knows it now, if it does. */
  known(processId: string): RunningProcess | undefined {
    return this.processes.get(processId);
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
      this.changedElsewhere.delete(processId); // read afresh anyway, if a retry opens it again
      if (!finished) return;
      this.opts.logger.info({ processId, status: outcome }, 'process finished');
      this.opts.onProcessFinished?.(processId);
      this.opts.liveLogs.processEnded(processId);
    } catch (err) {
      this.opts.logger.error({ err, processId }, 'ending process failed; retrying in 1 s');
      this.evaluations.at(processId, Date.now() + 1000);
    }
  }

  /** The process as this engine knows it, read again when stale; undefined once it is not running. */
  private async current(processId: string): Promise<RunningProcess | undefined> {
    let process = this.processes.get(processId);
    // Taken before the read: a change made during it marks the process again, and the evaluation
    // markDirty asked for then reads it once more.
    const changed = this.changedElsewhere.delete(processId);
    if (process && !process.stale && !changed) return process;
    // The task definitions are a snapshot that never changes: read them once per process.
    const view = await planningView(this.opts.db, processId, { withDefinitions: !process });
    if (view?.status !== 'running') {
      this.processes.delete(processId);
      return undefined;
    }
    if (process) process.refresh(view);
    else process = RunningProcess.load(view);
    this.processes.set(processId, process);
    const untracked = view.tasks.filter((t) => isTaskActive(t.status) && !this.opts.active.has(t.id));
    if (untracked.length > 0) this.opts.untracked(untracked.map((t) => t.id));
    if (process.killRequested)
      for (const t of view.tasks)
        if (t.status !== 'succeeded' && t.status !== 'failed')
          this.opts.kill(t.id, process.killReason ?? 'process killed');
    return process;
  }

  /** Records every attempt that may start now in one write, then hands each to its executor. */
  private async dispatch(processId: string, process: RunningProcess, names: readonly string[]) {
    if (names.length === 0 || this.opts.halted()) return; // the next leader starts them
    const decided = performance.now();
    const rows = await insertTasks(
      this.opts.db,
      { processId, definitionName: process.definitionName, runnerId: this.opts.replicaId },
      names.map((name) => newTask(process, name)),
    );
    if (this.opts.halted()) return; // recorded just before the term ended: the next leader starts them
    process.started(rows);
    if (rows.length < names.length) this.markDirty(processId); // an attempt existed already: this copy was behind
    this.launch(process, rows);
    this.opts.onDispatched?.(performance.now() - decided);
  }

  /** Hands recorded attempts to their executors. */
  launch(process: RunningProcess, rows: readonly TaskRow[]): void {
    if (this.opts.halted()) return; // the next leader starts them
    const { liveLogs, active, executors, log } = this.opts;
    for (const row of rows) {
      const definition = process.byName.get(row.task_definition_name)!;
      const kind = row.executor;
      const max = definition.max_attempts;
      // Past max_attempts only a POST /retry grants an attempt.
      const of = row.attempt >= max ? ', retry requested' : max > 1 ? ` of ${max}` : '';
      liveLogs.writer.remember(row.id, row.process_id, row.executable);
      liveLogs.buffer.bind(row.id, row.process_id);
      log(row.id, 'scheduler', `task started (attempt ${row.attempt + 1}${of}) on ${kind}`);
      const run = active.track(row, definition);
      const executor = executors.get(kind);
      if (!executor) {
        this.opts.fail(row.id, noExecutor(kind));
        continue;
      }
      executor.start(run).catch((e: Error) => {
        log(row.id, 'scheduler', `could not start the job: ${e.message}`);
        this.opts.fail(row.id, `could not start the job: ${e.message}`);
      });
    }
  }

  /**
   * The attempts a task's success lets start, planned before its result is
   * stored so that one write records both: a dependent starts one round
   * trip after its upstream, not two. The evaluation that follows every
   * result stays the rule; this only gets there first. Only where statements
   * are prepared: planned afresh each time, the joint statement costs more
   * than two simple ones (1.47 against 1.11 ms a hop on PGlite before it
   * prepared them; 0.68 against 1.02 ms on PostgreSQL).
   */
  startsAfter(run: TaskRun): NewTask[] {
    if (!this.opts.db.preparesStatements || this.opts.halted()) return [];
    const id = run.processId;
    const process = this.processes.get(id);
    if (!process || process.stale || this.changedElsewhere.has(id) || this.endings.has(id)) return [];
    if (!process.dependedOn.has(run.taskDefinitionName)) return [];
    const names = process.startsIfSucceeded(run.taskDefinitionName, run.attempt, Date.now());
    return names.map((name) => newTask(process, name));
  }

  /** Resolves once no evaluation is running or asked for (timed wake-ups aside). */
  idle(): Promise<void> {
    return this.evaluations.idle();
  }

  /** Cancels the wake-ups and waits for the evaluation in progress. */
  stop(): Promise<void> {
    return this.evaluations.stop();
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

export function noExecutor(kind: ExecutorKind): string {
  return `no ${kind} executor is configured on this scheduler`;
}
