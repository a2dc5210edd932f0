import type { Logger } from 'pino';
import type { Database } from '../storage/database.js';
import { deleteEmptiedRuns, deleteOldTasks, vacuumHistory } from '../storage/stores/retention-store.js';

export interface HistoryRetentionOptions {
  db: Database;
  logger: Logger;
  /** Finished runs that ended more than this many days ago are deleted, with their tasks and logs. */
  retainDays: number;
  /** Only the leader prunes (replicas would only contend for the same rows). */
  isLeader: () => boolean;
  /** Between passes. Default one hour. */
  everyMs?: number;
  /** Rows per statement. Default 100 tasks (with their log lines) or runs. */
  batchSize?: number;
  /** Between statements, so that the scheduler's own statements go first. Default 50 ms. */
  pauseMs?: number;
}

/**
 * Deletes history older than `retainDays`: a pass soon after start, then one
 * every `everyMs`. It works in small statements with a pause between them, so
 * that a year of history goes without a long lock or a long hold of PGlite's
 * single connection, and scheduling goes on meanwhile.
 *
 * @example
 * const retention = new HistoryRetention({ db, logger, retainDays: 90, isLeader: () => scheduler.isLeader });
 * retention.start();
 * // … at shutdown:
 * await retention.stop();
 */
export class HistoryRetention {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: HistoryRetentionOptions) {}

  start(delayMs = 10_000): void {
    this.timer = setTimeout(() => {
      this.pass = this.runPass()
        .then(() => {})
        .catch((err) => this.opts.logger.error({ err }, 'deleting old history failed'))
        .finally(() => {
          this.pass = undefined;
          if (!this.stopped) this.start(this.opts.everyMs ?? 3_600_000);
        });
    }, delayMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass: everything older than the cutoff, in batches. Returns the tasks and runs deleted. */
  async runPass(now = new Date()): Promise<{ tasks: number; runs: number }> {
    const { db, logger, retainDays, isLeader } = this.opts;
    const batch = this.opts.batchSize ?? 100;
    const cutoff = new Date(now.getTime() - retainDays * 86_400_000);
    const deleted = { tasks: 0, runs: 0 };
    while (!this.stopped && isLeader()) {
      const tasks = await deleteOldTasks(db, cutoff, batch);
      // Runs emptied so far go at once: left in place, every later batch would walk past them again
      // (oldest first), and a backlog of a year would cost a quadratic pass.
      const runs = await deleteEmptiedRuns(db, cutoff, batch);
      deleted.tasks += tasks;
      deleted.runs += runs;
      if (tasks === 0 && runs === 0) break;
      await new Promise((resolve) => setTimeout(resolve, this.opts.pauseMs ?? 50));
    }
    if (deleted.runs + deleted.tasks > 0) {
      if (!db.autovacuums && !this.stopped) await vacuumHistory(db);
      logger.info({ ...deleted, cutoff }, 'deleted history older than the retention period');
    }
    return deleted;
  }
}
