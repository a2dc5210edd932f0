import type { Database } from '../storage/database.js';
import { type FinishedTasks, finishTasks, type TaskEnding } from '../storage/stores/task-endings-store.js';

/** Most task results in one statement. */
const MAX_BATCH = 1000;
/** Pause before writing results again after the database refused them. */
const RETRY_MS = 1000;

export interface ResultRecorderOptions {
  db: Database;
  /** Recorded as the runner of the attempts recorded with the results. */
  runnerId: string;
  /** Called once per batch with what was asked and what the write did (see finishTasks). */
  onRecorded: (asked: readonly TaskEnding[], done: FinishedTasks) => void;
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
 * const recorder = new ResultRecorder({ db, runnerId, onRecorded: (asked, { ended, started }) => react(ended, started), onError: log });
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
      let done: FinishedTasks;
      try {
        done = await finishTasks(this.opts.db, this.opts.runnerId, batch);
      } catch (err) {
        this.opts.onError(err, batch);
        if (this.stopped) continue;
        this.pending.unshift(...batch);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      try {
        this.opts.onRecorded(batch, done);
      } catch (err) {
        this.opts.onError(err, batch); // stored; only the reaction failed
      }
    }
    this.writing = undefined;
  }
}
