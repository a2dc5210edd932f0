import type { Logger } from 'pino';
import type { LogStreamRef } from '../../executors/executor.js';
import type { Database } from '../../storage/database.js';
import type { ResolvedLiveLogOptions } from '../log-options.js';
import { openCursors, unclosedEndedTasks } from '../log-state-store.js';
import type { TaskLogWriter } from '../task-log-writer.js';
import type { AwsLogClients } from './aws-log-clients.js';
import { cloudWatchLog } from './cloudwatch-log.js';
import { refKey } from './remote-log.js';
import { s3StepLog } from './s3-step-log.js';
import { Tailer } from './tailer.js';

export interface TailerManagerDeps {
  db: Database;
  writer: TaskLogWriter;
  clients: AwsLogClients;
  options: ResolvedLiveLogOptions;
  logger: Logger;
  /** The task ended and every one of its tailers drained: its log is complete. */
  onLogComplete(taskId: string): void;
}

/**
 * One tailer per followed stream (a second watch of the same stream is a
 * no-op), ended with their task after its grace period, and restored from
 * the cursor table when a scheduler takes over.
 *
 * @example
 * const tailers = new TailerManager({ db, writer, clients, options, logger, onLogComplete });
 * tailers.watch(taskId, { kind: 'cloudwatch', region, group: '/aws/batch/job', stream, source: 'cloudwatch' });
 * tailers.taskEnded(taskId);
 */
export class TailerManager {
  private readonly tailers = new Map<string, Tailer>();
  private readonly ended = new Set<string>();
  private closed = false;

  constructor(private readonly deps: TailerManagerDeps) {}

  watch(taskId: string, ref: LogStreamRef): void {
    if (this.closed) return;
    const key = `${taskId}|${refKey(ref)}`;
    if (this.tailers.has(key)) return;
    const { options, clients, db, writer, logger } = this.deps;
    const remote =
      ref.kind === 'cloudwatch'
        ? cloudWatchLog(clients.logs(ref.region), ref)
        : s3StepLog(clients.s3(ref.region), ref);
    const tailer = new Tailer(
      taskId,
      refKey(ref),
      ref,
      remote,
      { db, writer, logger },
      {
        graceMs: ref.kind === 's3' ? options.s3GraceMs : options.graceMs,
        minPollMs: options.minPollMs,
        maxPollMs: options.maxPollMs,
        maxBackoffMs: options.maxBackoffMs,
      },
    );
    this.tailers.set(key, tailer);
    tailer.start();
    if (this.ended.has(taskId)) tailer.taskEnded();
    void tailer.done.then(() => {
      if (this.tailers.get(key) !== tailer) return;
      this.tailers.delete(key);
      if (!this.closed) this.maybeComplete(taskId);
    });
  }

  /** The task ended: its tailers finish after the grace period; with none, the log is complete now. */
  taskEnded(taskId: string): void {
    if (this.closed) return;
    this.ended.add(taskId);
    for (const t of this.of(taskId)) t.taskEnded();
    this.maybeComplete(taskId);
  }

  /** Resumes every stream still open in the cursor table, and completes logs a stopped scheduler left open. */
  async recover(): Promise<void> {
    for (const c of await openCursors(this.deps.db)) {
      this.watch(c.task_id, c.ref as LogStreamRef);
      if (c.task_status === 'succeeded' || c.task_status === 'failed') this.taskEnded(c.task_id);
    }
    for (const taskId of await unclosedEndedTasks(this.deps.db, 1000)) {
      if (this.of(taskId).length === 0) this.deps.onLogComplete(taskId);
    }
  }

  /** Stops every tailer where it is (cursors stay open for the next scheduler). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.tailers.values()].map((t) => t.close()));
    this.tailers.clear();
  }

  private of(taskId: string): Tailer[] {
    return [...this.tailers.values()].filter((t) => t.taskId === taskId);
  }

  private maybeComplete(taskId: string): void {
    if (!this.ended.has(taskId) || this.of(taskId).length > 0) return;
    this.ended.delete(taskId);
    this.deps.onLogComplete(taskId);
  }
}
