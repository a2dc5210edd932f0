import type { AppendOptions, AppendResult, KeptLines, LogLine } from '../logs/task-log-writer.js';

/** Where batches go: the task log writer (masking, cap, storage, wake-ups). */
export interface LogSink {
  append(taskId: string, lines: readonly LogLine[], opts: AppendOptions): Promise<AppendResult>;
  /** Scheduler events of many tasks, and log closes, in one write. */
  appendKept(writes: readonly KeptLines[]): Promise<Map<string, AppendResult>>;
}

export interface LogBufferOptions {
  intervalMs?: number;
  /** The per-task cap, applied here already so a runaway job is dropped before it is buffered. */
  maxLinesPerTask?: number;
  maxBytesPerTask?: number;
  /** Longest line the writer keeps (longer ones are cut), for estimating what a line will cost. */
  maxLineBytes?: number;
  /** Bytes held in memory (waiting or being written), all tasks together; beyond it lines are dropped and counted. */
  maxPendingBytes?: number;
  onError?: (e: unknown) => void;
}

/** Lines and bytes that count against the cap (kept scheduler lines do not). */
interface Tally {
  lines: number;
  bytes: number;
}

interface TaskState {
  pending: LogLine[];
  /** What `pending` holds in memory, kept lines included. */
  heldBytes: number;
  pendingTally: Tally;
  /** Taken by a flush and not stored yet: still counts against the cap. */
  inflight: Tally;
  /** The task's stored usage as of the last write (other sources may have added since). */
  stored: Tally;
  full: boolean;
  dropped: Tally;
  /** This task's batches being written, one after the other (other tasks' go in parallel). */
  written: Promise<void>;
}

interface Batch {
  taskId: string;
  st: TaskState;
  lines: LogLine[];
  held: number;
  tally: Tally;
  dropped: Tally;
}

interface CompletionBatch {
  ids: Set<string>;
  done: Promise<void>;
  resolve: () => void;
}

function completionBatch(): CompletionBatch {
  let resolve: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  return { ids: new Set(), done, resolve };
}

/** How long a completed log waits for others to close with it. */
const COMPLETE_DELAY_MS = 5;

const zero = (): Tally => ({ lines: 0, bytes: 0 });

/** Only scheduler events and nothing dropped: the cap has nothing to decide, so many tasks share one write. */
const keptOnly = (b: Batch): boolean => b.dropped.lines === 0 && b.lines.every((l) => l.keep);

/**
 * Collects log lines per task and writes them in batches, in order. Shell
 * jobs can print thousands of lines a second; one insert per line would
 * make the database the bottleneck. Memory stays bounded: lines past the
 * task's cap (counting what is stored, being written and waiting) are only
 * counted, and so are lines beyond `maxPendingBytes` when the database falls
 * behind; the writer records the counts.
 *
 * @example
 * const logs = new LogBuffer(writer, { intervalMs: 50 });
 * logs.add(taskId, { at: new Date(), source: 'stdout', message: 'hello' });
 * await logs.flush(taskId);
 */
export class LogBuffer {
  private readonly tasks = new Map<string, TaskState>();
  /** Logs to complete in the next write; each caller waits for the write that carries its task. */
  private nextCompletion: CompletionBatch | undefined;
  private completion: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  /** Waiting plus being written, all tasks: released only once stored. */
  private heldBytes = 0;
  private readonly o: Required<Omit<LogBufferOptions, 'intervalMs'>>;

  constructor(
    private readonly sink: LogSink,
    options: LogBufferOptions = {},
  ) {
    this.o = {
      maxLinesPerTask: options.maxLinesPerTask ?? Number.POSITIVE_INFINITY,
      maxBytesPerTask: options.maxBytesPerTask ?? Number.POSITIVE_INFINITY,
      maxLineBytes: options.maxLineBytes ?? Number.POSITIVE_INFINITY,
      maxPendingBytes: options.maxPendingBytes ?? 64 * 1024 * 1024,
      onError: options.onError ?? (() => {}),
    };
    this.timer = setInterval(() => void this.flush(), options.intervalMs ?? 50);
    this.timer.unref();
  }

  add(taskId: string, entry: LogLine): void {
    const st = this.state(taskId);
    const bytes = Math.min(Buffer.byteLength(entry.message), this.o.maxLineBytes);
    if (!entry.keep) {
      const lines = st.stored.lines + st.inflight.lines + st.pendingTally.lines;
      const total = st.stored.bytes + st.inflight.bytes + st.pendingTally.bytes;
      const overCap = st.full || lines >= this.o.maxLinesPerTask || total + bytes > this.o.maxBytesPerTask;
      if (overCap || this.heldBytes + bytes > this.o.maxPendingBytes) {
        st.dropped.lines += 1;
        st.dropped.bytes += bytes;
        return;
      }
      st.pendingTally.lines += 1;
      st.pendingTally.bytes += bytes;
    }
    st.pending.push(entry);
    st.heldBytes += bytes;
    this.heldBytes += bytes;
    if (this.heldBytes > this.o.maxPendingBytes / 2) void this.flush();
  }

  /** Writes what is buffered (for one task, or all); resolves once it is stored. */
  flush(taskId?: string): Promise<void> {
    const ids = taskId === undefined ? [...this.tasks.keys()] : [taskId];
    const batches = ids.flatMap((id) => {
      const st = this.tasks.get(id);
      const b = st && this.take(id, st);
      return b ? [b] : [];
    });
    const kept = batches.filter(keptOnly);
    // Chained per task, so batches of the same task land in the order they were taken; different
    // tasks write in parallel (one queue for all made every task's end wait for every other's lines).
    for (const b of batches) if (!keptOnly(b)) b.st.written = b.st.written.then(() => this.write(b));
    if (kept.length > 0) this.writeKept(kept, false);
    const states = ids.map((id) => this.tasks.get(id));
    return Promise.all(states.map((st) => st?.written)).then(() => {});
  }

  /**
   * Writes a task's last lines and marks its log complete, then forgets the
   * task. Tasks completing while such a write is in flight share the next
   * one (a fan-out's ends cost a handful of statements, not one each).
   */
  complete(taskId: string): Promise<void> {
    this.nextCompletion ??= completionBatch();
    this.nextCompletion.ids.add(taskId);
    this.completion ??= this.completeAll();
    return this.nextCompletion.done;
  }

  private async completeAll(): Promise<void> {
    // Closing a log is bookkeeping: let the writes that decide what runs next go first, and let the
    // logs of tasks ending in the next few ms share this write.
    await new Promise((resolve) => setTimeout(resolve, COMPLETE_DELAY_MS).unref());
    while (this.nextCompletion) {
      const { ids, resolve } = this.nextCompletion;
      this.nextCompletion = undefined;
      const batches = [...ids].map((id) => {
        const st = this.state(id);
        const b = this.take(id, st) ?? { taskId: id, st, lines: [], held: 0, tally: zero(), dropped: zero() };
        if (keptOnly(b)) return b;
        // Output or a drop count to account: the capped path first, then a close with no lines.
        st.written = st.written.then(() => this.write(b));
        return { ...b, lines: [], held: 0, tally: zero(), dropped: zero() };
      });
      await this.writeKept(batches, true);
      for (const id of ids) this.release(id);
      resolve();
    }
    this.completion = undefined;
  }

  /** Stores kept-only batches of several tasks in one write, after each task's earlier batches. */
  private writeKept(batches: readonly Batch[], close: boolean): Promise<void> {
    const before = Promise.all(batches.map((b) => b.st.written));
    const done = before
      .then(() => this.sink.appendKept(batches.map((b) => ({ taskId: b.taskId, lines: b.lines, close }))))
      .then(
        (usage) => {
          for (const b of batches) {
            const u = usage.get(b.taskId);
            if (!u) continue;
            b.st.stored = { lines: u.lines, bytes: u.bytes };
            b.st.full = u.full;
          }
        },
        (e) => this.o.onError(e),
      )
      .finally(() => {
        for (const b of batches) this.settle(b);
      });
    for (const b of batches) b.st.written = done;
    return done;
  }

  private take(taskId: string, st: TaskState): Batch | undefined {
    if (st.pending.length === 0 && st.dropped.lines === 0) return undefined;
    const b = {
      taskId,
      st,
      lines: st.pending,
      held: st.heldBytes,
      tally: st.pendingTally,
      dropped: st.dropped,
    };
    st.inflight.lines += st.pendingTally.lines;
    st.inflight.bytes += st.pendingTally.bytes;
    st.pending = [];
    st.heldBytes = 0;
    st.pendingTally = zero();
    st.dropped = zero();
    return b;
  }

  private async write(b: Batch): Promise<void> {
    try {
      const usage = await this.sink.append(b.taskId, b.lines, { dropped: b.dropped });
      b.st.stored = { lines: usage.lines, bytes: usage.bytes };
      b.st.full = usage.full;
    } catch (e) {
      this.o.onError(e);
    } finally {
      this.settle(b);
    }
  }

  /** A batch is stored (or given up): it no longer counts as held or in flight. */
  private settle(b: Batch): void {
    this.heldBytes -= b.held;
    b.st.inflight.lines -= b.tally.lines;
    b.st.inflight.bytes -= b.tally.bytes;
  }

  /** Forgets a task whose log is complete (call after its last flush). */
  release(taskId: string): void {
    const st = this.tasks.get(taskId);
    if (st && st.pending.length === 0 && st.dropped.lines === 0 && st.inflight.lines === 0)
      this.tasks.delete(taskId);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.completion;
    await this.flush();
  }

  private state(taskId: string): TaskState {
    let st = this.tasks.get(taskId);
    if (!st) {
      st = {
        pending: [],
        heldBytes: 0,
        pendingTally: zero(),
        inflight: zero(),
        stored: zero(),
        full: false,
        dropped: zero(),
        written: Promise.resolve(),
      };
      this.tasks.set(taskId, st);
    }
    return st;
  }
}
