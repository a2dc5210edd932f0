import type { LogStreamRef } from '../log-stream-ref.js';
import type { LogLine } from '../task-log-writer.js';

/** Lines read from a remote log, and the read position just past them. */
export interface RemotePage {
  lines: LogLine[];
  cursor: unknown;
}

/**
 * A remote log a {@link Tailer} reads on its own (an EMR step log in S3; CloudWatch streams are
 * read per log group).
 *
 * @example
 * for await (const page of log.read(cursor, false, signal)) await store(page.lines, page.cursor);
 */
export interface RemoteLog {
  /**
   * Pages after `cursor` (null: from the start), oldest first, until nothing
   * more is there now. `final` is the last read after the task ended: a
   * trailing line without its newline then counts as complete.
   */
  read(cursor: unknown, final: boolean, signal: AbortSignal): AsyncIterable<RemotePage>;
}

/** The identity of a followed stream: the same stream watched twice is tailed once. */
export function refKey(ref: LogStreamRef): string {
  return ref.kind === 'cloudwatch'
    ? `cloudwatch:${ref.region}:${ref.group}:${ref.stream}`
    : `s3:${ref.region}:${ref.bucket}/${ref.key}`;
}

/** One remote log of one task being followed, whichever way it is read. */
export interface Follow {
  readonly taskId: string;
  readonly ref: LogStreamRef;
  /** Known once its cursor is open. */
  readonly processId: string | undefined;
  /** Settles when the log was drained and marked done, or following stopped (close). */
  readonly done: Promise<void>;
  /** The task ended: keep reading for the grace period, then read a last time. */
  taskEnded(): void;
  /** Someone started watching: read soon, and fast while they watch. */
  pollSoon(): void;
}
