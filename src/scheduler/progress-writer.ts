import type { TaskStatus } from '../domain/types.js';
import type { Queryable } from '../storage/database.js';
import { type TaskProgress, updateTasksProgress } from '../storage/stores/tasks-store.js';

/** Most tasks in one statement. */
const MAX_BATCH = 500;

interface Waiting extends TaskProgress {
  done: { resolve: () => void; reject: (err: unknown) => void }[];
}

/**
 * Writes executors' progress records (a shell job's host and process
 * group, an AWS job's id) with group commit, as the result recorder writes
 * results: the first record goes out at once, the ones arriving while it is
 * in flight go out together in the next statement. A fan-out of shell jobs
 * thus pays one fenced transaction per handful of starts instead of one per
 * start. Each caller still learns whether its own record is stored: the
 * promise settles with the statement that carried it.
 *
 * @example
 * const writer = new ProgressWriter(db);
 * await writer.write(taskId, 'running', { host, pid }); // stored once this resolves
 */
export class ProgressWriter {
  private pending = new Map<string, Waiting>();
  private writing: Promise<void> | undefined;

  constructor(private readonly db: Queryable) {}

  write(id: string, status: TaskStatus, executionState?: Record<string, unknown>): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(id);
      if (waiting) {
        // Two records of one task in one statement: the later one wins, as it would applied in turn.
        waiting.status = status;
        if (executionState) waiting.executionState = { ...waiting.executionState, ...executionState };
        waiting.done.push({ resolve, reject });
      } else {
        this.pending.set(id, {
          id,
          status,
          ...(executionState && { executionState }),
          done: [{ resolve, reject }],
        });
      }
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    await Promise.resolve(); // records made in the same tick share the first statement
    while (this.pending.size > 0) {
      const batch = [...this.pending.values()].slice(0, MAX_BATCH);
      for (const w of batch) this.pending.delete(w.id);
      try {
        await updateTasksProgress(this.db, batch);
        for (const w of batch) for (const d of w.done) d.resolve();
      } catch (err) {
        for (const w of batch) for (const d of w.done) d.reject(err);
      }
    }
    this.writing = undefined;
  }
}
