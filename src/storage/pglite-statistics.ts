import type { Queryable } from './database.js';

/** The tables whose row counts the API's and the engine's plans depend on. */
const TABLES = ['processes', 'tasks', 'task_log_entries', 'task_metadata_entries', 'notification_outbox'];
/** Between passes: ANALYZE samples a bounded number of rows, so a pass costs about the same at any size. */
const EVERY_MS = 10 * 60_000;
/** The first pass, once start-up work is done. */
const FIRST_MS = 60_000;

/**
 * Embedded PGlite runs no autovacuum, so its tables are never analyzed and
 * the planner keeps guessing a few dozen rows per table: a page of a
 * 10,000-task run then sorts every task of the run (about 40 ms) instead of
 * reading 100 of them in index order. This keeps the statistics current
 * the way autovacuum would, one table at a time between other statements.
 *
 * @example
 * const stop = keepStatistics(database);
 * stop(); // before closing
 */
export function keepStatistics(db: Pick<Queryable, 'query'>, everyMs = EVERY_MS): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout;
  const pass = async () => {
    for (const table of TABLES) {
      if (stopped) return;
      // A table the store does not have (yet) is skipped; the next pass tries again.
      await db.query(`analyze ${table}`).catch(() => {});
    }
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => void pass().finally(() => !stopped && schedule(everyMs)), ms);
    timer.unref();
  };
  schedule(Math.min(FIRST_MS, everyMs));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
