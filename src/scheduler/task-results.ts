import type { Logger } from 'pino';
import { type ExecutorResult, finalOutcome, type ReportedStatus } from '../domain/task-outcome.js';
import type { LiveLogs } from '../logs/live-logs.js';
import type { LogSource } from '../logs/log-stream-ref.js';
import type { Database } from '../storage/database.js';
import type { EndedTask, FinishedTasks, TaskEnding } from '../storage/stores/task-endings-store.js';
import type { TaskRow } from '../storage/stores/tasks-store.js';
import type { ActiveTasks } from './active-tasks.js';
import type { ProcessDispatcher } from './process-dispatcher.js';
import { ResultRecorder } from './result-recorder.js';
import type { RunningProcess } from './running-process.js';

export interface TaskResultsOptions {
  db: Database;
  logger: Logger;
  /** Recorded as the runner of the attempts recorded with the results. */
  replicaId: string;
  liveLogs: LiveLogs;
  active: ActiveTasks;
  dispatcher: ProcessDispatcher;
  log: (taskId: string, source: LogSource, message: string) => void;
}

/**
 * The result half of the engine: turns an executor's result into the
 * task's outcome, stores it (group commit, see ResultRecorder), then closes
 * the task's log, launches what was recorded with it and asks for the
 * evaluations the result may change.
 *
 * @example
 * const results = new TaskResults({ db, logger, replicaId, liveLogs, active, dispatcher, log });
 * results.finished(taskId, { succeeded: true });
 * await results.idle();
 */
export class TaskResults {
  private readonly recorder: ResultRecorder;

  constructor(private readonly opts: TaskResultsOptions) {
    this.recorder = new ResultRecorder({
      db: opts.db,
      runnerId: opts.replicaId,
      onRecorded: (asked, ended) => this.recorded(asked, ended),
      onError: (err, batch) =>
        opts.logger.error({ err, tasks: batch.length }, 'recording task results failed; retrying'),
    });
  }

  finished(taskId: string, result: ExecutorResult): void {
    const entry = this.opts.active.get(taskId);
    if (entry?.killReason && !result.succeeded) result = { succeeded: false, reason: entry.killReason };
    const explicit = entry?.definition?.require_explicit_success ?? false;
    // The job's report may sit in the database (API, another replica): the write picks the outcome.
    const outcome = (reported: ReportedStatus) => {
      const o = finalOutcome(result, entry?.reported ?? reported, explicit);
      return { status: o.succeeded ? ('succeeded' as const) : ('failed' as const), reason: o.reason ?? null };
    };
    this.recorder.add({
      id: taskId,
      ...(entry && { processId: entry.run.processId }),
      outcomes: { none: outcome(undefined), succeeded: outcome('succeeded'), failed: outcome('failed') },
      next: result.succeeded && entry ? this.opts.dispatcher.startsAfter(entry.run) : [],
    });
  }

  /** Stops retrying refused writes (shutdown); a restart resumes those tasks. */
  stop(): void {
    this.recorder.stop();
  }

  /** Resolves once every result handed in so far is written (or, after `stop`, given up). */
  idle(): Promise<void> {
    return this.recorder.idle();
  }

  /** Task results are stored: log them, close their logs, launch what was recorded with them, plan what follows. */
  private recorded(asked: readonly TaskEnding[], { ended, started }: FinishedTasks): void {
    const { active, dispatcher, liveLogs } = this.opts;
    for (const { id } of asked) active.remove(id); // ended here, or already ended elsewhere
    for (const task of ended) {
      const line = task.status === 'succeeded' ? 'task succeeded' : `task failed: ${task.failure_reason}`;
      this.opts.log(task.id, 'scheduler', line);
      dispatcher.endings.logClosing(task.process_id, liveLogs.taskEnded(task.id));
      dispatcher.known(task.process_id)?.ended([task]);
    }
    for (const [processId, rows] of byProcess(started)) {
      const process = dispatcher.known(processId);
      if (process) {
        process.started(rows);
        dispatcher.launch(process, rows);
        continue;
      }
      for (const row of rows) {
        active.track(row, undefined); // its process stopped running meanwhile: it must not run
        this.finished(row.id, { succeeded: false, reason: 'its process was no longer running' });
      }
    }
    for (const task of ended) {
      const process = dispatcher.known(task.process_id);
      if (!process) dispatcher.markDirty(task.process_id);
      else if (this.mayChangePlan(process, task)) dispatcher.replan(task.process_id);
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
    return !this.opts.active.anyOf(task.process_id);
  }
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
