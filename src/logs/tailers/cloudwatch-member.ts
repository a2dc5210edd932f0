import type { FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { LogStreamRef } from '../log-stream-ref.js';
import type { LogLine } from '../task-log-writer.js';
import { type CloudWatchCursor, newLines } from './cloudwatch-events.js';
import type { ReadTrouble } from './read-trouble.js';
import type { Follow } from './remote-log.js';

/** Lines of a stream older than its task's start by more than this are another run's (a reused stream). */
const FLOOR_SKEW_MS = 60_000;
/**
 * CloudWatch makes an event searchable a little after its timestamp. A stream read at time T
 * without news is next asked from T minus this, not from its last line (or its start), so a quiet
 * stream does not drag the search window of its busy neighbours back. Final reads ask from the
 * last line.
 */
const INGESTION_LAG_MS = 60_000;

/** Where a stream without a stored cursor is read from: a little before its task started. */
export const floorCursor = (taskStartedAt: Date): CloudWatchCursor => ({
  ts: taskStartedAt.getTime() - FLOOR_SKEW_MS,
  ids: [],
});

/**
 * One task's stream in a {@link CloudWatchGroupTailer}: its stored cursor and its place in the
 * group's polling. The group drives it; the tailer manager sees it as a {@link Follow}.
 *
 * @example
 * const m = new StreamMember(taskId, refKey, ref, new ReadTrouble(writer, taskId), { taskEnded: () => group.taskEnded(m), pollSoon: () => group.pollSoon(m) });
 */
export class StreamMember implements Follow {
  processId: string | undefined;
  /** Set once the cursor row is read; until then the group does not poll it. */
  isOpen = false;
  version = 0;
  cursor: CloudWatchCursor = { ts: 0, ids: [] };
  dueAt = Number.POSITIVE_INFINITY;
  intervalMs = 0;
  /** When this tailer learnt that the task ended: reads from then on settle whether the stream is drained. */
  endedAt: number | undefined;
  /** When the grace period after the task's end is over: the next read is the last. */
  stopAt: number | undefined;
  /** The stream may not exist yet: it is read alone until a read succeeds. */
  missing = false;
  /** When the last read that covered this stream started. */
  searchedAt: number | undefined;
  /** Lines stored by the current read (a watched stream with news is read again soon). */
  stored = 0;
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    readonly taskId: string,
    readonly refKey: string,
    readonly ref: Extract<LogStreamRef, { kind: 'cloudwatch' }>,
    /** Read errors said in the task's log. */
    readonly trouble: ReadTrouble,
    private readonly actions: { taskEnded: () => void; pollSoon: () => void },
  ) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  taskEnded(): void {
    this.actions.taskEnded();
  }

  pollSoon(): void {
    this.actions.pollSoon();
  }

  /** The task ended (now): drain the stream, for at most `graceMs`. Returns false if it was known already. */
  ending(graceMs: number): boolean {
    if (this.endedAt !== undefined) return false;
    this.endedAt = Date.now();
    this.stopAt = this.endedAt + graceMs;
    return true;
  }

  /** The next read is at `at`; in the grace period no later than its end. */
  due(at: number): void {
    this.dueAt = this.stopAt !== undefined && this.stopAt > Date.now() ? Math.min(at, this.stopAt) : at;
  }

  /** The earliest event timestamp the next read must ask for (after the task's end: from the last line, missing nothing). */
  searchFrom(): number {
    if (this.endedAt !== undefined || this.searchedAt === undefined) return this.cursor.ts;
    return Math.max(this.cursor.ts, this.searchedAt - INGESTION_LAG_MS);
  }

  /** The lines of these events of its stream that are past its cursor, and the cursor after them. */
  take(events: readonly FilteredLogEvent[]): { lines: LogLine[]; cursor: CloudWatchCursor } {
    return newLines(this.cursor, events, this.ref.source);
  }

  /** Following ended (drained, dropped, or the group closed). */
  markDone(): void {
    this.resolveDone();
  }
}
