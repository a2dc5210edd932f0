import type { Logger } from 'pino';
import type { LogStreamRef } from '../../executors/executor.js';
import type { Database } from '../../storage/database.js';
import { CursorConflict, type CursorRow, hasEnded, openCursor } from '../log-state-store.js';
import type { TaskLogWriter } from '../task-log-writer.js';
import { isNotFoundYet, isThrottling } from './aws-log-clients.js';
import type { RemoteLog } from './remote-log.js';

export interface TailerTiming {
  graceMs: number;
  minPollMs: number;
  maxPollMs: number;
  maxBackoffMs: number;
}

/** After the grace period, how long the final read may keep failing before the tailer gives up. */
const FINAL_READ_PATIENCE_MS = 60_000;

/**
 * Follows one remote log of one task into its log: polls (fast while lines
 * come, slower when idle, much slower when throttled), stores each page
 * together with its cursor, and after the task ended keeps reading for a
 * grace period, then reads a last time and marks the stream done.
 *
 * @example
 * const tailer = new Tailer(taskId, key, ref, cloudWatchLog(client, ref), { db, writer, logger }, timing);
 * tailer.start();
 * tailer.taskEnded();
 * await tailer.done;
 */
export class Tailer {
  done: Promise<void> = Promise.resolve();
  private stopAt: number | undefined;
  private closed = false;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  /** The kind of error last reported in the task log: a run of the same error is reported once. */
  private noted: string | undefined;

  constructor(
    readonly taskId: string,
    readonly refKey: string,
    readonly ref: LogStreamRef,
    private readonly remote: RemoteLog,
    private readonly deps: { db: Database; writer: TaskLogWriter; logger: Logger },
    private readonly timing: TailerTiming,
  ) {}

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

  /** Stops without marking the stream done: a restarted scheduler resumes from the stored cursor. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    const { db, writer, logger } = this.deps;
    let row: CursorRow = await openCursor(db, this.taskId, this.refKey, this.ref);
    // Watched after its task ended (a late call, or a restart in the grace period): drain and stop.
    if (await hasEnded(db, this.taskId)) this.taskEnded();
    let interval = this.timing.minPollMs;
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
        interval = got > 0 ? this.timing.minPollMs : Math.min(this.timing.maxPollMs, interval * 1.5);
        this.noted = undefined;
      } catch (err) {
        if (this.closed) return;
        if (err instanceof CursorConflict) {
          row = await openCursor(db, this.taskId, this.refKey, this.ref);
          continue;
        }
        const notFound = isNotFoundYet(err);
        if (final && (notFound || Date.now() > this.stopAt! + FINAL_READ_PATIENCE_MS)) {
          if (!notFound) await this.note(`could not read the rest of ${describe(this.ref)}`, err);
          await this.finish(row);
          return;
        }
        if (isThrottling(err)) {
          interval = Math.min(this.timing.maxBackoffMs, Math.max(interval, this.timing.minPollMs) * 2);
          await this.note(`AWS throttles reading ${describe(this.ref)}; backing off`, err);
        } else if (notFound) interval = Math.min(this.timing.maxPollMs, interval * 1.5);
        else {
          logger.warn({ err, taskId: this.taskId, ref: this.ref }, 'reading a remote log failed; retrying');
          interval = Math.min(this.timing.maxBackoffMs, interval * 2);
          await this.note(`reading ${describe(this.ref)} failed; retrying`, err);
        }
      }
      await this.sleep(
        this.stopAt === undefined ? interval : Math.min(interval, Math.max(0, this.stopAt - Date.now())),
      );
    }
  }

  /** A scheduler line in the task's log, with the AWS error and request id, once per run of one error. */
  private async note(what: string, err: unknown): Promise<void> {
    const e = err as Error & { $metadata?: { requestId?: string } };
    if (this.noted === e.name) return;
    this.noted = e.name;
    const requestId = e.$metadata?.requestId ? ` (AWS request id ${e.$metadata.requestId})` : '';
    const message = `${what}: ${e.name}: ${e.message}${requestId}`;
    await this.deps.writer
      .append(this.taskId, [{ at: new Date(), source: 'scheduler', message, keep: true }])
      .catch(() => {});
  }

  private async finish(row: CursorRow): Promise<void> {
    await this.deps.writer.append(this.taskId, [], {
      cursor: { refKey: this.refKey, version: row.version, value: row.cursor, done: true },
    });
  }

  private sleep(ms: number): Promise<void> {
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

/** For scheduler lines: which log could not be read. */
export function describe(ref: LogStreamRef): string {
  return ref.kind === 'cloudwatch'
    ? `CloudWatch stream ${ref.group}/${ref.stream}`
    : `s3://${ref.bucket}/${ref.key}`;
}
