import type { Database } from '../storage/database.js';
import { type EndedTask, finishTasks, type TaskEnding } from '../storage/stores/tasks-store.js';

/** Most task results in one statement. */
const MAX_BATCH = 1000;
/** Pause before writing results again after the database refused them. */
const RETRY_MS = 1000;

export interface ResultRecorderOptions {
  db: Database;
  /** Called once per batch with what was asked and the tasks it ended (the rest had ended already). */
  onRecorded: (asked: readonly TaskEnding[], ended: readonly EndedTask[]) => void;
  onError: (err: unknown, batch: readonly TaskEnding[]) => void;
}

/**
 * Writes executor results with group commit: the first result is written at
 * once, and results arriving while a write is in flight go out together in
 * the next one. A chain pays one round trip per task; a fan-out of
 * thousands of tasks ending together pays a handful. A refused write is
 * retried, so a result is never dropped while the scheduler runs.
 *
 * @example
 * const recorder = new ResultRecorder({ db, onRecorded: (asked, ended) => replan(ended), onError: log });
 * recorder.add({ id: taskId, outcomes });
 * await recorder.idle();
 */
export class ResultRecorder {
  private pending: TaskEnding[] = [];
  private writing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: ResultRecorderOptions) {}

  add(ending: TaskEnding): void {
    this.pending.push(ending);
    this.writing ??= this.drain();
  }

  /** Resolves once every result handed in so far is written (or, after `stop`, given up). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Stops retrying refused writes (shutdown); a restart resumes those tasks. */
  stop(): void {
    this.stopped = true;
  }

  private async drain(): Promise<void> {
    await Promise.resolve(); // results reported in the same tick (a fan-out of noops) share the first write
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      let ended: EndedTask[];
      try {
        ended = await finishTasks(this.opts.db, batch);
      } catch (err) {
        this.opts.onError(err, batch);
        if (this.stopped) continue;
        this.pending.unshift(...batch);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      try {
        this.opts.onRecorded(batch, ended);
      } catch (err) {
        this.opts.onError(err, batch); // stored; only the reaction failed
      }
    }
    this.writing = undefined;
  }
}
