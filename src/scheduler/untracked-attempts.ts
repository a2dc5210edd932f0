import type { TaskRow } from '../storage/stores/tasks-store.js';

export interface UntrackedAttemptsOptions {
  /**
   * How long an attempt may be seen recorded but untracked before it is
   * adopted. At least the lease period: by then every write of this term
   * that was in flight when it was seen has landed (and its attempts are
   * tracked) or been refused (and the term is over).
   */
  graceMs: number;
  /** Whether the engine follows this attempt already. */
  tracked: (taskId: string) => boolean;
  /** Whether nothing may start here any more (term over, shutting down): the next leader adopts. */
  halted: () => boolean;
  /** The attempts among these ids that are still active, as recorded. */
  read: (taskIds: readonly string[]) => Promise<TaskRow[]>;
  /** Hands attempts to their executors as a new leader does (`resume`: follow, end or start). */
  adopt: (rows: readonly TaskRow[]) => Promise<void>;
  onError: (err: Error) => void;
}

/**
 * Attempts this leader recorded but never handed to an executor. That
 * happens when a write's COMMIT went through but its answer was lost with
 * the connection: the write is tried again (see fencedDatabase), finds the
 * attempts recorded, and returns none of them, so nothing launches them and
 * their process would wait on them for good. A new leader adopts every
 * active attempt at the start of its term; this does the same, mid-term, for
 * the ones an evaluation finds active in the database yet unknown to the
 * engine, once a lease period has shown they are not a write still on its
 * way.
 *
 * @example
 * const untracked = new UntrackedAttempts({ graceMs: 17_000, tracked: (id) => active.has(id), halted, read, adopt, onError });
 * untracked.seen(['6f0c…']); // from an evaluation that read the process
 * untracked.stop();
 */
export class UntrackedAttempts {
  private readonly waiting = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: UntrackedAttemptsOptions) {}

  /** Attempts an evaluation found active but untracked; checked again after the grace period. */
  seen(taskIds: readonly string[]): void {
    const fresh = taskIds.filter((id) => !this.waiting.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.waiting.add(id);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.check(fresh).catch((err: Error) => this.opts.onError(err));
    }, this.opts.graceMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async check(taskIds: readonly string[]): Promise<void> {
    try {
      if (this.opts.halted()) return;
      const still = taskIds.filter((id) => !this.opts.tracked(id));
      if (still.length === 0) return;
      const rows = (await this.opts.read(still)).filter((r) => !this.opts.tracked(r.id));
      if (rows.length > 0 && !this.opts.halted()) await this.opts.adopt(rows);
    } finally {
      for (const id of taskIds) this.waiting.delete(id);
    }
  }

  /** Checks nothing more (the term is over or the engine stops). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.waiting.clear();
  }
}
