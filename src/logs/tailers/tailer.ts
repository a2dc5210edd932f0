import type { Logger } from 'pino';
import type { Database } from '../../storage/database.js';
import { CursorConflict, type CursorRow, openCursor } from '../../storage/stores/log-cursors-store.js';
import type { LogStreamRef } from '../log-stream-ref.js';
import type { TaskLogWriter } from '../task-log-writer.js';
import { isNotFoundYet, isThrottling } from './aws-log-clients.js';
import { givesUpFinalRead, nextPollMs, type TailerTiming } from './poll-interval.js';
import { describe, ReadTrouble } from './read-trouble.js';
import type { Follow, RemoteLog } from './remote-log.js';

/**
 * Follows one remote log of one task into its log (the EMR step logs in S3;
 * CloudWatch streams are read per group by `CloudWatchGroupTailer`): polls
 * (while someone watches: fast while lines come, slower when idle; otherwise
 * every `unwatchedPollMs`; much slower when throttled), stores each page
 * together with its cursor, and after the task ended keeps reading for a
 * grace period, then reads a last time and marks the stream done.
 *
 * @example
 * const tailer = new Tailer(taskId, key, ref, s3StepLog(client, ref), { db, writer, logger, watched }, timing);
 * tailer.start();
 * tailer.taskEnded();
 * await tailer.done;
 */
export class Tailer implements Follow {
  done: Promise<void> = Promise.resolve();
  processId: string | undefined;
  private stopAt: number | undefined;
  private interval: number;
  private closed = false;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private readonly trouble: ReadTrouble;

  constructor(
    readonly taskId: string,
    readonly refKey: string,
    readonly ref: LogStreamRef,
    private readonly remote: RemoteLog,
    private readonly deps: {
      db: Database;
      writer: TaskLogWriter;
      logger: Logger;
      /** Whether someone follows this task's or process's log live. */
      watched: (taskId: string, processId: string) => boolean;
    },
    private readonly timing: TailerTiming,
  ) {
    this.interval = timing.minPollMs;
    this.trouble = new ReadTrouble(deps.writer, taskId);
  }

  start(): void {
    this.done = this.run().catch((err) =>
      this.deps.logger.error({ err, taskId: this.taskId, ref: this.ref }, 'log tailer stopped'),
    );
  }

  /** The task ended: keep reading for the grace period, then read a last time. */
  taskEnded(): void {
    if (this.stopAt !== undefined) return;
    this.stopAt = Date.now() + this.timing.graceMs;
    this.wake?.();
  }

  pollSoon(): void {
    this.interval = this.timing.minPollMs;
    this.wake?.();
  }

  /** Stops without marking the stream done: a restarted scheduler resumes from the stored cursor. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    const { db, writer, logger } = this.deps;
    const opened = await openCursor(db, this.taskId, this.refKey, this.ref);
    let row: CursorRow = opened;
    this.processId = opened.process_id;
    // Watched after its task ended (a late call, or a restart in the grace period): drain and stop.
    if (opened.task_ended) this.taskEnded();
    // Asked after each read: a reader may have come meanwhile.
    const watched = () => this.deps.watched(this.taskId, opened.process_id);
    while (!this.closed && !row.done) {
      const final = this.stopAt !== undefined && Date.now() >= this.stopAt;
      try {
        let got = 0;
        for await (const page of this.remote.read(row.cursor, final, this.abort.signal)) {
          await writer.append(this.taskId, page.lines, {
            cursor: { refKey: this.refKey, version: row.version, value: page.cursor },
          });
          row = { ...row, version: row.version + 1, cursor: page.cursor };
          got += page.lines.length;
          if (this.closed) break;
        }
        if (final && !this.closed) {
          await this.finish(row);
          return;
        }
        this.interval = nextPollMs(
          this.timing,
          this.interval,
          { kind: 'read', lines: got, backlog: false },
          watched(),
        );
        this.trouble.clear();
      } catch (err) {
        if (this.closed) return;
        if (err instanceof CursorConflict) {
          row = await openCursor(db, this.taskId, this.refKey, this.ref);
          continue;
        }
        const notFound = isNotFoundYet(err);
        if (final && givesUpFinalRead(this.stopAt!, Date.now(), notFound)) {
          if (!notFound) await this.trouble.note(`could not read the rest of ${describe(this.ref)}`, err);
          await this.finish(row);
          return;
        }
        const kind = notFound ? 'not-found' : isThrottling(err) ? 'throttled' : 'failed';
        this.interval = nextPollMs(this.timing, this.interval, { kind }, watched());
        if (kind === 'throttled')
          await this.trouble.note(`AWS throttles reading ${describe(this.ref)}; backing off`, err);
        else if (kind === 'failed') {
          logger.warn({ err, taskId: this.taskId, ref: this.ref }, 'reading a remote log failed; retrying');
          await this.trouble.note(`reading ${describe(this.ref)} failed; retrying`, err);
        }
      }
      const wait = this.interval;
      await this.sleep(
        this.stopAt === undefined ? wait : Math.min(wait, Math.max(0, this.stopAt - Date.now())),
      );
    }
  }

  private async finish(row: CursorRow): Promise<void> {
    await this.deps.writer.append(this.taskId, [], {
      cursor: { refKey: this.refKey, version: row.version, value: row.cursor, done: true },
    });
  }

  private sleep(ms: number): Promise<void> {
    // A close that came during the read (its wake-up found no sleep to end) must not wait out the interval.
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
