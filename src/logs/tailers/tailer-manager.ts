import type { Logger } from 'pino';
import type { Database } from '../../storage/database.js';
import { openCursors } from '../../storage/stores/log-cursors-store.js';
import { unclosedEndedTasks } from '../../storage/stores/log-usage-store.js';
import type { ResolvedLiveLogOptions } from '../log-options.js';
import type { LogStreamRef } from '../log-stream-ref.js';
import type { LogWatchers } from '../log-watchers.js';
import type { TaskLogWriter } from '../task-log-writer.js';
import type { AwsLogClients } from './aws-log-clients.js';
import { CloudWatchGroupTailer } from './cloudwatch-group.js';
import { type Follow, refKey } from './remote-log.js';
import { s3StepLog } from './s3-step-log.js';
import { Tailer } from './tailer.js';

export interface TailerManagerDeps {
  db: Database;
  writer: TaskLogWriter;
  clients: AwsLogClients;
  options: ResolvedLiveLogOptions;
  logger: Logger;
  /** Who follows which log live: their tasks' remote logs are polled fast. */
  watchers: LogWatchers;
  /** The task ended and every one of its tailers drained: its log is complete. */
  onLogComplete(taskId: string): void;
}

/**
 * Follows remote logs into task logs: CloudWatch streams through one
 * {@link CloudWatchGroupTailer} per region and log group, EMR step logs in
 * S3 through one {@link Tailer} each (a second watch of the same stream is a
 * no-op); ends them with their task after its grace period, hurries those of
 * a task someone starts watching, and restores them from the cursor table
 * when a scheduler takes over.
 *
 * @example
 * const tailers = new TailerManager({ db, writer, clients, options, logger, watchers, onLogComplete });
 * tailers.watch(taskId, { kind: 'cloudwatch', region, group: '/aws/batch/job', stream, source: 'cloudwatch' });
 * tailers.taskEnded(taskId);
 */
export class TailerManager {
  private readonly follows = new Map<string, Follow>();
  private readonly groups = new Map<string, CloudWatchGroupTailer>();
  private readonly s3Tailers = new Set<Tailer>();
  private readonly ended = new Set<string>();
  private readonly offWatched: () => void;
  private closed = false;

  constructor(private readonly deps: TailerManagerDeps) {
    this.offWatched = deps.watchers.onWatched((key) => {
      for (const f of this.follows.values()) if (f.taskId === key || f.processId === key) f.pollSoon();
    });
  }

  watch(taskId: string, ref: LogStreamRef): void {
    if (this.closed) return;
    const key = `${taskId}|${refKey(ref)}`;
    if (this.follows.has(key)) return;
    const follow =
      ref.kind === 'cloudwatch' ? this.group(ref).add(taskId, refKey(ref), ref) : this.s3(taskId, ref);
    this.follows.set(key, follow);
    if (this.ended.has(taskId)) follow.taskEnded();
    void follow.done.then(() => {
      if (this.follows.get(key) !== follow) return;
      this.follows.delete(key);
      if (ref.kind === 'cloudwatch') this.dropEmptyGroup(ref);
      if (!this.closed) this.maybeComplete(taskId);
    });
  }

  /**
   * The task ended: its tailers drain and finish; with none, the log is complete now. Resolves
   * once its CloudWatch streams are drained (which takes a call or two), not waiting for its EMR
   * step logs in S3, which wait out their grace period.
   */
  taskEnded(taskId: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ended.add(taskId);
    const follows = this.of(taskId);
    for (const f of follows) f.taskEnded();
    this.maybeComplete(taskId);
    // Settles after `watch`'s own handler of each `done` (registered first), so a log with
    // nothing else to drain is being completed by then.
    return Promise.all(follows.filter((f) => f.ref.kind === 'cloudwatch').map((f) => f.done)).then(() => {});
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
    this.offWatched();
    await Promise.all([
      ...[...this.groups.values()].map((g) => g.close()),
      ...[...this.s3Tailers].map((t) => t.close()),
    ]);
    this.groups.clear();
    this.s3Tailers.clear();
    this.follows.clear();
  }

  private group(ref: Extract<LogStreamRef, { kind: 'cloudwatch' }>): CloudWatchGroupTailer {
    const key = `${ref.region}|${ref.group}`;
    let group = this.groups.get(key);
    if (!group) {
      const { options, clients, db, writer, logger, watchers } = this.deps;
      group = new CloudWatchGroupTailer({
        filterLogEvents: (input, options) => clients.filterLogEvents(ref.region, input, options),
        group: ref.group,
        db,
        writer,
        logger,
        watched: (taskId, processId) => watchers.isWatched(taskId, processId),
        settleMs: options.drainSettleMs,
        timing: {
          graceMs: options.graceMs,
          minPollMs: options.minPollMs,
          maxPollMs: options.maxPollMs,
          unwatchedPollMs: options.unwatchedPollMs,
          maxBackoffMs: options.maxBackoffMs,
        },
      });
      this.groups.set(key, group);
    }
    return group;
  }

  private dropEmptyGroup(ref: Extract<LogStreamRef, { kind: 'cloudwatch' }>): void {
    const key = `${ref.region}|${ref.group}`;
    const group = this.groups.get(key);
    if (!group || group.size > 0 || this.closed) return;
    this.groups.delete(key);
    void group.close();
  }

  private s3(taskId: string, ref: Extract<LogStreamRef, { kind: 's3' }>): Follow {
    const { options, clients, db, writer, logger, watchers } = this.deps;
    const tailer = new Tailer(
      taskId,
      refKey(ref),
      ref,
      s3StepLog((input, options) => clients.getObject(ref.region, input, options), ref),
      { db, writer, logger, watched: (t, p) => watchers.isWatched(t, p) },
      {
        graceMs: options.s3GraceMs,
        minPollMs: options.minPollMs,
        maxPollMs: options.maxPollMs,
        unwatchedPollMs: options.s3UnwatchedPollMs,
        maxBackoffMs: options.maxBackoffMs,
      },
    );
    this.s3Tailers.add(tailer);
    tailer.start();
    void tailer.done.then(() => this.s3Tailers.delete(tailer));
    return tailer;
  }

  private of(taskId: string): Follow[] {
    return [...this.follows.values()].filter((f) => f.taskId === taskId);
  }

  private maybeComplete(taskId: string): void {
    if (!this.ended.has(taskId) || this.of(taskId).length > 0) return;
    this.ended.delete(taskId);
    this.deps.onLogComplete(taskId);
  }
}
