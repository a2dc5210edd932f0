import { isThrottling } from './aws-errors.js';
import type { PollSettings } from './aws-options.js';

/** How far past the slow interval a throttled API pushes its targets' next poll. */
const THROTTLED_MAX_FACTOR = 4;

/** Something one describe call can report on, in a group that one call covers (region, cluster). */
export interface PollTarget {
  readonly taskId: string;
  readonly group: string;
}

export interface SharedPollerOptions<T extends PollTarget> {
  settings: PollSettings;
  /** Most targets one describe call takes (Batch and ECS: 100). */
  chunkSize: number;
  /** One describe call for these targets of one group; it reports results to the executor itself. */
  poll: (group: string, targets: T[]) => Promise<void>;
  onError: (group: string, err: unknown) => void;
}

interface Entry<T> {
  target: T;
  dueAt: number;
  intervalMs: number;
}

/**
 * One poller per executor kind. Each target has its own adaptive interval (fast after a submit,
 * doubling up to the slow interval), but a call goes out only for chunks holding a due target, and
 * every such chunk is topped up with the group's other targets, which ride along for free. Targets
 * polled together stay in step, so N running jobs cost about N/chunk calls per slow interval.
 *
 * @example
 * const poller = new SharedPoller({ settings: { fastMs: 2000, slowMs: 10000 }, chunkSize: 100,
 *   poll: (region, jobs) => describeJobs(region, jobs), onError: (g, e) => logger.warn(e) });
 * poller.watch({ taskId, group: 'us-east-1', jobId });
 */
export class SharedPoller<T extends PollTarget> {
  private readonly entries = new Map<string, Entry<T>>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private ticking = false;
  private closed = false;

  constructor(private readonly options: SharedPollerOptions<T>) {}

  /** Starts (or restarts) watching a target; its first poll comes after the fast interval. */
  watch(target: T): void {
    const { fastMs } = this.options.settings;
    this.entries.set(target.taskId, { target, dueAt: Date.now() + fastMs, intervalMs: fastMs });
    this.schedule();
  }

  /** Polls this target soon again (after a kill request, say). */
  pollSoon(taskId: string): void {
    const entry = this.entries.get(taskId);
    if (!entry) return;
    entry.intervalMs = this.options.settings.fastMs;
    entry.dueAt = Math.min(entry.dueAt, Date.now() + entry.intervalMs);
    this.schedule();
  }

  unwatch(taskId: string): void {
    this.entries.delete(taskId);
  }

  get(taskId: string): T | undefined {
    return this.entries.get(taskId)?.target;
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.entries.clear();
  }

  private schedule(): void {
    if (this.closed || this.ticking) return;
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.entries.values()) next = Math.min(next, e.dueAt);
    if (next === Number.POSITIVE_INFINITY || next >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timerAt = Number.POSITIVE_INFINITY;
    this.ticking = true;
    try {
      await Promise.all(this.chunks(Date.now()).map(([group, entries]) => this.pollChunk(group, entries)));
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  /** Chunks that hold at least one due target, topped up with the group's next-due targets. */
  private chunks(now: number): [string, Entry<T>[]][] {
    // A target due within a few ms is polled now rather than by a timer of its own.
    const horizon = now + Math.min(50, this.options.settings.fastMs / 4);
    const groups = new Map<string, Entry<T>[]>();
    for (const e of this.entries.values()) {
      const list = groups.get(e.target.group) ?? [];
      list.push(e);
      groups.set(e.target.group, list);
    }
    const out: [string, Entry<T>[]][] = [];
    for (const [group, list] of groups) {
      list.sort((a, b) => a.dueAt - b.dueAt);
      const { chunkSize } = this.options;
      for (let i = 0; i < list.length && list[i]!.dueAt <= horizon; i += chunkSize) {
        out.push([group, list.slice(i, i + chunkSize)]);
      }
    }
    return out;
  }

  /**
   * A failed call changes nothing for the targets: they are polled again later. Throttling (past
   * the SDK's own retries) backs them off beyond the slow interval, up to four times it, each at a
   * jittered moment so the chunks do not come back together; the first answer brings them back
   * to the slow interval. No task fails for a throttled poll.
   */
  private async pollChunk(group: string, entries: Entry<T>[]): Promise<void> {
    let throttled = false;
    try {
      await this.options.poll(
        group,
        entries.map((e) => e.target),
      );
    } catch (err) {
      throttled = isThrottling(err);
      if (!this.closed) this.options.onError(group, err);
    }
    const now = Date.now();
    const { slowMs } = this.options.settings;
    const jitter = throttled ? 0.5 + Math.random() / 2 : 1; // one per chunk: its targets stay together
    for (const e of entries) {
      // Still watched and not re-watched meanwhile: back off towards the slow interval.
      if (this.entries.get(e.target.taskId) !== e) continue;
      e.intervalMs = Math.min(e.intervalMs * 2, throttled ? slowMs * THROTTLED_MAX_FACTOR : slowMs);
      e.dueAt = now + e.intervalMs * jitter;
    }
  }
}
