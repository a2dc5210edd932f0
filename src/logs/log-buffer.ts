import { fitsCap } from './log-cap.js';
import type { AppendOptions, AppendResult, KeptLines, LogLine } from './task-log-writer.js';

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
  /** The writes this task's batches go through, in order: its process's (see `bind`), or its own. */
  chain: Chain;
}

/** Writes that must land in the order they were taken: one process's log lines. */
interface Chain {
  written: Promise<void>;
  /** Tasks using it (the chain is forgotten with the last). */
  tasks: number;
  key: string;
}

interface Batch {
  taskId: string;
  task: TaskState;
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

/** Batches grouped by their chain, in the order taken. */
function byChain(batches: readonly Batch[]): Batch[][] {
  const groups = new Map<Chain, Batch[]>();
  for (const b of batches) {
    const list = groups.get(b.task.chain);
    if (list) list.push(b);
    else groups.set(b.task.chain, [b]);
  }
  return [...groups.values()];
}

/** Times a refused write is tried again (pauses of 0.1 s doubling to 5 s: about a minute). */
const WRITE_RETRIES = 16;

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
  /** Write order of the processes of bound tasks (see `bind`). */
  private readonly chains = new Map<string, Chain>();
  /** Logs to complete in the next write; each caller waits for the write that carries its task. */
  private nextCompletion: CompletionBatch | undefined;
  private completion: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  /** Waiting plus being written, all tasks: released only once stored. */
  private heldBytes = 0;
  private readonly config: Required<Omit<LogBufferOptions, 'intervalMs'>>;
  private closing = false;

  constructor(
    private readonly sink: LogSink,
    options: LogBufferOptions = {},
  ) {
    this.config = {
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
    const task = this.state(taskId);
    const bytes = Math.min(Buffer.byteLength(entry.message), this.config.maxLineBytes);
    if (!entry.keep) {
      const used = {
        lines: task.stored.lines + task.inflight.lines + task.pendingTally.lines,
        bytes: task.stored.bytes + task.inflight.bytes + task.pendingTally.bytes,
      };
      const overCap = task.full || !fitsCap(this.config, used, bytes);
      if (overCap || this.heldBytes + bytes > this.config.maxPendingBytes) {
        task.dropped.lines += 1;
        task.dropped.bytes += bytes;
        return;
      }
      task.pendingTally.lines += 1;
      task.pendingTally.bytes += bytes;
    }
    task.pending.push(entry);
    task.heldBytes += bytes;
    this.heldBytes += bytes;
    if (this.heldBytes > this.config.maxPendingBytes / 2) void this.flush();
  }

  /** Writes what is buffered (for one task, or all); resolves once it is stored. */
  flush(taskId?: string): Promise<void> {
    const ids = taskId === undefined ? [...this.tasks.keys()] : [taskId];
    const batches = ids.flatMap((id) => {
      const task = this.tasks.get(id);
      const b = task && this.take(id, task);
      return b ? [b] : [];
    });
    // A process's batches land in the order taken (a retry's start line after the failed attempt's
    // end), one after the other; processes whose batches are all scheduler events share one write.
    const kept: Batch[] = [];
    for (const list of byChain(batches)) {
      if (list.every(keptOnly)) kept.push(...list);
      else for (const b of list) this.chainWrite(b);
    }
    if (kept.length > 0) this.writeKept(kept, false);
    const chains = new Set(ids.map((id) => this.tasks.get(id)?.chain));
    return Promise.all([...chains].map((c) => c?.written)).then(() => {});
  }

  /**
   * Writes of a task's lines keep the order of its process from now on
   * (call before its first line): its end and the next attempt's start are
   * stored in that order even when they are flushed together.
   */
  bind(taskId: string, processId: string): void {
    const task = this.state(taskId);
    if (task.chain.key === processId) return;
    this.leave(task.chain);
    let chain = this.chains.get(processId);
    if (!chain) {
      chain = { written: task.chain.written, tasks: 0, key: processId };
      this.chains.set(processId, chain);
    }
    chain.tasks += 1;
    task.chain = chain;
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
        const task = this.state(id);
        const b = this.take(id, task) ?? {
          taskId: id,
          task,
          lines: [],
          held: 0,
          tally: zero(),
          dropped: zero(),
        };
        if (keptOnly(b)) return b;
        // Output or a drop count to account: the capped path first, then a close with no lines.
        this.chainWrite(b);
        return { ...b, lines: [], held: 0, tally: zero(), dropped: zero() };
      });
      await this.writeKept(batches, true);
      for (const id of ids) this.release(id);
      resolve();
    }
    this.completion = undefined;
  }

  /** Queues one batch behind the earlier writes of its chain. */
  private chainWrite(b: Batch): void {
    b.task.chain.written = b.task.chain.written.then(() =>
      keptOnly(b) ? this.storeKept([b], false) : this.write(b),
    );
  }

  /** Stores kept-only batches of several tasks in one write, after the earlier writes of their chains. */
  private writeKept(batches: readonly Batch[], close: boolean): Promise<void> {
    const chains = new Set(batches.map((b) => b.task.chain));
    const before = Promise.all([...chains].map((c) => c.written));
    const done = before.then(() => this.storeKept(batches, close));
    for (const c of chains) c.written = done;
    return done;
  }

  private async storeKept(batches: readonly Batch[], close: boolean): Promise<void> {
    try {
      const usage = await this.persist(() =>
        this.sink.appendKept(batches.map((b) => ({ taskId: b.taskId, lines: b.lines, close }))),
      );
      for (const b of batches) {
        const u = usage.get(b.taskId);
        if (!u) continue;
        b.task.stored = { lines: u.lines, bytes: u.bytes };
        b.task.full = u.full;
      }
    } catch (e) {
      this.config.onError(e);
    } finally {
      for (const b of batches) this.batchDone(b);
    }
  }

  private take(taskId: string, task: TaskState): Batch | undefined {
    if (task.pending.length === 0 && task.dropped.lines === 0) return undefined;
    const b = {
      taskId,
      task,
      lines: task.pending,
      held: task.heldBytes,
      tally: task.pendingTally,
      dropped: task.dropped,
    };
    task.inflight.lines += task.pendingTally.lines;
    task.inflight.bytes += task.pendingTally.bytes;
    task.pending = [];
    task.heldBytes = 0;
    task.pendingTally = zero();
    task.dropped = zero();
    return b;
  }

  private async write(b: Batch): Promise<void> {
    try {
      const usage = await this.persist(() => this.sink.append(b.taskId, b.lines, { dropped: b.dropped }));
      b.task.stored = { lines: usage.lines, bytes: usage.bytes };
      b.task.full = usage.full;
    } catch (e) {
      this.config.onError(e);
    } finally {
      this.batchDone(b);
    }
  }

  /**
   * Runs a write, and runs it again while the database refuses it (a lost connection, a
   * restart), with growing pauses, for about a minute or until the buffer closes: lines the
   * jobs printed meanwhile wait in memory within `maxPendingBytes`.
   */
  private async persist<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (e) {
        if (this.closing || attempt >= WRITE_RETRIES) throw e;
        this.config.onError(e);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  }

  /** A batch is stored (or given up): it no longer counts as held or in flight. */
  private batchDone(b: Batch): void {
    this.heldBytes -= b.held;
    b.task.inflight.lines -= b.tally.lines;
    b.task.inflight.bytes -= b.tally.bytes;
  }

  /** Forgets a task whose log is complete (call after its last flush). */
  release(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (task && task.pending.length === 0 && task.dropped.lines === 0 && task.inflight.lines === 0) {
      this.tasks.delete(taskId);
      this.leave(task.chain);
    }
  }

  private leave(chain: Chain): void {
    chain.tasks -= 1;
    if (chain.tasks <= 0 && this.chains.get(chain.key) === chain) this.chains.delete(chain.key);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    await this.completion;
    await this.flush();
  }

  private state(taskId: string): TaskState {
    let task = this.tasks.get(taskId);
    if (!task) {
      task = {
        pending: [],
        heldBytes: 0,
        pendingTally: zero(),
        inflight: zero(),
        stored: zero(),
        full: false,
        dropped: zero(),
        chain: { written: Promise.resolve(), tasks: 1, key: taskId },
      };
      this.tasks.set(taskId, task);
    }
    return task;
  }
}
