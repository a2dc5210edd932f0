import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Database } from '../storage/database.js';
import { LogBuffer } from './log-buffer.js';
import { LogFeed } from './log-feed.js';
import { type LiveLogOptions, type ResolvedLiveLogOptions, resolveLiveLogOptions } from './log-options.js';
import type { LogStreamRef } from './log-stream-ref.js';
import type { AwsLogClients } from './tailers/aws-log-clients.js';
import { TailerManager } from './tailers/tailer-manager.js';
import { TaskLogWriter } from './task-log-writer.js';

export interface LiveLogsDeps {
  db: Database;
  logger: Logger;
  replicaId: string;
  options?: LiveLogOptions;
  /**
   * The tailers' AWS reads (the server's share the executors' rate budget per service and
   * region, and load their SDKs at the first read).
   */
  clients: AwsLogClients;
}

/**
 * Everything about task logs in one place: the writer (masking, cap,
 * storage, wake-ups), the engine's line buffer, the remote log tailers and
 * the feed readers wait on.
 *
 * @example
 * const logs = new LiveLogs({ db, logger, replicaId, clients: pooledLogClients(settings, rate) });
 * await logs.start();
 * const engine = new Engine({ db, logger, replicaId, publicUrl, liveLogs: logs });
 * // … at shutdown, after the engine's stop (which flushes the buffer):
 * await logs.close();
 */
export class LiveLogs {
  readonly options: ResolvedLiveLogOptions;
  readonly feed: LogFeed;
  readonly writer: TaskLogWriter;
  readonly buffer: LogBuffer;
  private readonly tailers: TailerManager;
  /** Logs being closed, by task. */
  private readonly closing = new Map<string, Promise<void>>();

  constructor(private readonly deps: LiveLogsDeps) {
    this.options = resolveLiveLogOptions(deps.options);
    this.feed = new LogFeed(deps.db, deps.replicaId);
    this.writer = new TaskLogWriter(deps.db, this.feed, this.options);
    this.buffer = new LogBuffer(this.writer, {
      maxLinesPerTask: this.options.maxLinesPerTask,
      maxBytesPerTask: this.options.maxBytesPerTask,
      maxLineBytes: this.options.maxLineBytes,
      maxPendingBytes: this.options.maxPendingBytes,
      onError: (err) => deps.logger.error({ err }, 'writing log entries failed'),
    });
    this.tailers = new TailerManager({
      db: deps.db,
      writer: this.writer,
      clients: deps.clients,
      options: this.options,
      logger: deps.logger,
      watchers: this.feed.watchers,
      onLogComplete: (taskId) => {
        const p = this.complete(taskId).finally(() => this.closing.delete(taskId));
        this.closing.set(taskId, p);
      },
    });
  }

  async start(): Promise<void> {
    await this.feed.start();
  }

  /** Follow a remote log into the task's log (see ExecutorHost.watchLogs). */
  watch(taskId: string, ref: LogStreamRef): void {
    this.tailers.watch(taskId, ref);
  }

  /**
   * The engine recorded the task's end: its remote logs are drained, then the
   * log is closed. Resolves once every line the task's job and the scheduler
   * wrote is stored and its CloudWatch streams are drained: with nothing else
   * to wait for, once its log is closed. EMR step logs in S3 may still come
   * after (their grace period, see `s3GraceMs`). A CloudWatch that cannot be
   * read (unreachable, or no permission) holds the end for `graceMs` at most:
   * the drain goes on behind the ended run, as a lagging S3 log does.
   */
  taskEnded(taskId: string): Promise<void> {
    const drained = this.tailers.taskEnded(taskId); // with nothing tailed this closes the log at once
    const closing = this.closing.get(taskId);
    if (closing) return closing;
    const bounded = Promise.race([drained, sleep(this.options.graceMs, undefined, { ref: false })]);
    return bounded.then(() => this.closing.get(taskId) ?? this.buffer.flush(taskId));
  }

  /** On becoming leader: resume tailers from their stored cursors. */
  recover(): Promise<void> {
    return this.tailers.recover();
  }

  /** A process ended: wake its log readers so their streams can end. */
  processEnded(processId: string): void {
    void this.feed.announce(processId).catch(() => {});
  }

  /** Stops the tailers where they are and stops listening; the buffer is flushed by the engine's stop. */
  async close(): Promise<void> {
    await this.tailers.close();
    await Promise.all(this.closing.values());
    this.deps.clients.destroy();
    await this.feed.close();
  }

  private async complete(taskId: string): Promise<void> {
    try {
      await this.buffer.complete(taskId);
    } catch (err) {
      this.deps.logger.error({ err, taskId }, 'closing a task log failed');
    }
  }
}
