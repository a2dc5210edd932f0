import type { LogStreamRef } from '../../executors/executor.js';
import type { LogLine } from '../task-log-writer.js';

/** Lines read from a remote log, and the read position just past them. */
export interface RemotePage {
  lines: LogLine[];
  cursor: unknown;
}

/**
 * A remote log a tailer follows: CloudWatch Logs stream or S3 step log.
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
