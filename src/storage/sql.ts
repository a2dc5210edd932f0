/**
 * SQL fragments more than one store uses, named once so they cannot drift.
 *
 * @example
 * db.query(`select * from tasks where status not in ${TERMINAL}`);
 */

/** A task status that ends it (see `isTaskActive`), as an SQL list: `status in ${TERMINAL}`. */
export const TERMINAL = `('succeeded', 'failed')`;

/**
 * Advisory lock keys, one per purpose, so two purposes never share a lock by accident.
 * `migrations` takes the one-key form `pg_advisory_xact_lock(key)`; `processLog` the two-key form
 * `pg_advisory_xact_lock(key, hashtext(process_id))`, one lock per process.
 */
export const LOCK_KEYS = {
  migrations: 727_001,
  processLog: 7270,
} as const;

/** The columns `insert into tasks` fills, in the order its `select` lists them. */
export const TASK_INSERT_COLUMNS =
  'id, process_id, definition_name, task_definition_name, attempt, status, executor, executable, started_at, runner_id';
