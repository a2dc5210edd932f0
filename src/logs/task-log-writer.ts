import type { TaskExecutable } from '../domain/types.js';
import type { Database, Queryable } from '../storage/database.js';
import { appendLogEntries } from '../storage/stores/entries-store.js';
import { type KeptWrite, writeKeptLines } from '../storage/stores/kept-lines-store.js';
import { advanceCursor } from '../storage/stores/log-cursors-store.js';
import { type LogUsage, lockUsage, saveUsage } from '../storage/stores/log-usage-store.js';
import { taskProcessAndExecutable } from '../storage/stores/tasks-store.js';
import { capReached, fitsCap } from './log-cap.js';
import type { LogFeed } from './log-feed.js';
import type { ResolvedLiveLogOptions } from './log-options.js';
import { compileMaskPatterns, declaredVariables, type Masker, secretMasker } from './secret-masker.js';

/** One line on its way to storage. */
export interface LogLine {
  /** Set by API clients so a retried POST does not duplicate the line. */
  id?: string;
  at: Date;
  source: string;
  message: string;
  /** Scheduler events: stored even past the cap and not counted by it (they are few and say what happened). */
  keep?: boolean;
}

export interface AppendOptions {
  /** Lines already dropped before reaching the writer (memory bound), to account for. */
  dropped?: { lines: number; bytes: number };
  /** A tailer's new read position, stored atomically with these lines. */
  cursor?: { refKey: string; version: number; value: unknown; done?: boolean };
}

/** The task's usage after the write; `full` once the cap is reached. */
export interface AppendResult {
  lines: number;
  bytes: number;
  full: boolean;
}

/** One task's scheduler events for {@link TaskLogWriter.appendKept}, and whether its log is complete after them. */
export interface KeptLines {
  taskId: string;
  lines: readonly LogLine[];
  close: boolean;
}

interface TaskInfo {
  processId: string;
  mask: Masker;
}

/** Most lines, and bytes, per transaction: a big batch costs the driver several times its size while it is sent. */
const CHUNK_LINES = 5000;
const CHUNK_BYTES = 1024 * 1024;
const TASK_CACHE = 10_000;

/**
 * The one way log lines reach storage, whatever their source (shell output,
 * scheduler events, tailers, POSTed entries): masks secrets, cuts long
 * lines, applies the per-task cap with a visible marker and exact
 * accounting, stores the lines (and a tailer's cursor) in one transaction,
 * then wakes readers.
 *
 * @example
 * const writer = new TaskLogWriter(db, feed, resolveLiveLogOptions());
 * await writer.append(taskId, [{ at: new Date(), source: 'stdout', message: 'hello' }]);
 * await writer.close(taskId); // after the task and its tailers ended
 */
export class TaskLogWriter {
  private readonly tasks = new Map<string, TaskInfo>();
  private readonly patterns: RegExp[];

  constructor(
    private readonly db: Database,
    private readonly feed: LogFeed,
    private readonly options: ResolvedLiveLogOptions,
    private readonly inheritedEnv: NodeJS.ProcessEnv = process.env,
  ) {
    this.patterns = compileMaskPatterns(options.maskPatterns);
  }

  async append(taskId: string, lines: readonly LogLine[], opts: AppendOptions = {}): Promise<AppendResult> {
    if (keptOnly(lines, opts)) {
      // Scheduler events alone (a task's start and end): the cap cannot drop them, so one statement does.
      const usage = (await this.appendKept([{ taskId, lines, close: false }])).get(taskId)!;
      return { lines: usage.lines, bytes: usage.bytes, full: usage.full };
    }
    const info = await this.taskInfo(taskId);
    let result: AppendResult | undefined;
    for (const [chunk, last] of chunks(lines)) {
      const prepared = chunk.map((l) => this.prepare(info, l));
      result = await this.db.transaction((tx) =>
        this.store(tx, taskId, info.processId, prepared, {
          // Lines dropped before the writer came after this batch's lines: account (and mark) at its end.
          ...(last && opts.dropped && { dropped: opts.dropped }),
          ...(last && opts.cursor && { cursor: opts.cursor }),
        }),
      );
    }
    this.feed.published(info.processId, taskId);
    return result!;
  }

  /**
   * Stores scheduler events (`keep` lines, which the cap never drops) of many
   * tasks, and closes the logs asked for, in as few statements as the batch
   * allows: a fan-out's thousands of task starts, or ends, share one write.
   */
  async appendKept(writes: readonly KeptLines[]): Promise<Map<string, AppendResult & { closed: boolean }>> {
    const out = new Map<string, AppendResult & { closed: boolean }>();
    const notify = this.feed.notifyTarget();
    for (const group of keptGroups(writes)) {
      const prepared: KeptWrite[] = [];
      for (const w of group) {
        const info = await this.taskInfo(w.taskId);
        prepared.push({ ...w, processId: info.processId, lines: w.lines.map((l) => this.prepare(info, l)) });
      }
      const stored = await writeKeptLines(this.db, prepared, notify);
      for (const w of prepared) {
        let usage = stored.get(w.taskId)!;
        // The cap dropped lines: the log ends with the count of them, written under the usage lock.
        if (w.close && !usage.closed) {
          await this.closeTruncated(w.taskId, w.processId);
          usage = { ...usage, closed: true };
        }
        if (usage.closed) this.tasks.delete(w.taskId);
        this.feed.published(w.processId, w.taskId);
        out.set(w.taskId, { ...usage, full: capReached(this.options, usage) });
      }
    }
    return out;
  }

  /** Marks the log complete (readers then end their streams), with the final count of what the cap dropped. */
  async close(taskId: string): Promise<void> {
    await this.appendKept([{ taskId, lines: [], close: true }]);
  }

  private async closeTruncated(taskId: string, processId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const usage = await lockUsage(tx, taskId);
      if (usage.closed_at) return;
      if (usage.dropped_lines > 0) {
        const message = `… output truncated: ${usage.dropped_lines} lines / ${usage.dropped_bytes} bytes dropped …`;
        await this.insert(tx, taskId, usage, [{ at: new Date(), source: 'scheduler', message, keep: true }]);
      }
      usage.closed_at = new Date();
      await saveUsage(tx, taskId, usage);
      await this.feed.notifyOnCommit(tx, processId, taskId);
    });
  }

  private prepare(info: TaskInfo, line: LogLine): LogLine {
    return { ...line, message: this.cut(info.mask(withoutNul(line.message))) };
  }

  private async store(
    tx: Queryable,
    taskId: string,
    processId: string,
    lines: readonly LogLine[],
    opts: AppendOptions,
  ): Promise<AppendResult> {
    const { maxLinesPerTask: maxLines, maxBytesPerTask: maxBytes } = this.options;
    const usage = await lockUsage(tx, taskId);
    const alreadyTruncated = usage.dropped_lines > 0;
    const fit: LogLine[] = [];
    let lineCount = usage.lines;
    let byteCount = usage.bytes;
    let markerAt = -1;
    let markerTime = new Date();
    for (const line of lines) {
      const bytes = Buffer.byteLength(line.message);
      if (!line.keep && !fitsCap(this.options, { lines: lineCount, bytes: byteCount }, bytes)) {
        if (markerAt < 0) [markerAt, markerTime] = [fit.length, line.at];
        usage.dropped_lines += 1;
        usage.dropped_bytes += bytes;
        continue;
      }
      fit.push(line);
      if (line.keep) continue;
      lineCount += 1;
      byteCount += bytes;
    }
    if (opts.dropped && opts.dropped.lines > 0) {
      if (markerAt < 0) markerAt = fit.length;
      usage.dropped_lines += opts.dropped.lines;
      usage.dropped_bytes += opts.dropped.bytes;
    }
    if (markerAt >= 0 && !alreadyTruncated) {
      const message = `… output truncated: this task's log is capped at ${maxLines} lines / ${maxBytes} bytes; further lines are dropped and counted …`;
      fit.splice(markerAt, 0, { at: markerTime, source: 'scheduler', message, keep: true });
    }
    await this.insert(tx, taskId, usage, fit);
    if (opts.cursor) {
      const c = opts.cursor;
      await advanceCursor(tx, taskId, c.refKey, c.version, c.value, c.done ?? false);
    }
    await this.feed.notifyOnCommit(tx, processId, taskId);
    await saveUsage(tx, taskId, usage);
    return {
      lines: usage.lines,
      bytes: usage.bytes,
      full: capReached(this.options, usage),
    };
  }

  private async insert(
    tx: Queryable,
    taskId: string,
    usage: LogUsage,
    lines: readonly LogLine[],
  ): Promise<void> {
    const stored = await appendLogEntries(
      tx,
      taskId,
      lines.map(({ id, at, source, message }) => ({ ...(id && { id }), at, source, message })),
    );
    // Kept lines count for nothing; they carry no id, so what was skipped as a duplicate was a counted line.
    let lineCount = stored.length;
    let bytes = 0;
    for (const s of stored) bytes += s.bytes;
    for (const l of lines)
      if (l.keep) {
        lineCount -= 1;
        bytes -= Buffer.byteLength(l.message);
      }
    usage.lines += lineCount;
    usage.bytes += bytes;
  }

  private cut(message: string): string {
    const max = this.options.maxLineBytes;
    if (message.length * 3 <= max) return message; // cheap test first: UTF-8 is at most 3 bytes per UTF-16 unit
    const length = Buffer.byteLength(message);
    if (length <= max) return message;
    return `${Buffer.from(message).subarray(0, max).toString()} … [line cut: ${length - max} more bytes]`;
  }

  /** Tells the writer whose task this is before its first line (the engine knows): saves a read. */
  remember(taskId: string, processId: string, executable: TaskExecutable): TaskInfo {
    const info = {
      processId,
      mask: secretMasker(declaredVariables(executable), this.inheritedEnv, this.patterns),
    };
    if (this.tasks.size >= TASK_CACHE) this.tasks.delete(this.tasks.keys().next().value!);
    this.tasks.set(taskId, info);
    return info;
  }

  private async taskInfo(taskId: string): Promise<TaskInfo> {
    const known = this.tasks.get(taskId);
    if (known) return known;
    const row = await taskProcessAndExecutable(this.db, taskId);
    if (!row) throw new Error(`task ${taskId} does not exist; its log lines were not stored`);
    return this.remember(taskId, row.process_id, row.executable);
  }
}

/** PostgreSQL text cannot hold U+0000 (a job may print one): shown as U+FFFD, so one line cannot fail a write. */
function withoutNul(message: string): string {
  return message.includes('\u0000') ? message.replaceAll('\u0000', '\uFFFD') : message;
}

/** Consecutive slices of at most CHUNK_LINES lines and about CHUNK_BYTES; at least one (maybe empty), the last flagged. */
function* chunks(lines: readonly LogLine[]): Generator<[LogLine[], boolean]> {
  let start = 0;
  do {
    let end = start;
    let bytes = 0;
    while (end < lines.length && end - start < CHUNK_LINES && (bytes < CHUNK_BYTES || end === start)) {
      bytes += lines[end]!.message.length;
      end += 1;
    }
    yield [lines.slice(start, end), end >= lines.length];
    start = end;
  } while (start < lines.length);
}

/** Consecutive groups of writes of at most about CHUNK_LINES lines in all (a task's lines stay together). */
function* keptGroups(writes: readonly KeptLines[]): Generator<KeptLines[]> {
  let group: KeptLines[] = [];
  let lines = 0;
  const tasks = new Set<string>();
  for (const w of writes) {
    // One statement upserts a task's usage row once: a second write of the same task goes in the next group.
    if (group.length > 0 && (lines + w.lines.length > CHUNK_LINES || tasks.has(w.taskId))) {
      yield group;
      [group, lines] = [[], 0];
      tasks.clear();
    }
    group.push(w);
    tasks.add(w.taskId);
    lines += w.lines.length;
  }
  if (group.length > 0) yield group;
}

/** True when every line is a `keep` line and there is no drop count or cursor to store with them. */
function keptOnly(lines: readonly LogLine[], opts: AppendOptions): boolean {
  return (
    lines.length > 0 &&
    lines.length <= CHUNK_LINES &&
    lines.every((l) => l.keep) &&
    !opts.cursor &&
    !(opts.dropped && opts.dropped.lines > 0)
  );
}
