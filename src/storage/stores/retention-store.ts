import type { Database, Queryable } from '../database.js';

// A run is history once it is finished and ended before the cutoff. It started before it ended, so the
// started_at index (processes_by_start) finds the candidates oldest first.
const OLD_RUN = `p.started_at < $1 and p.status <> 'running' and p.ended_at < $1`;

/**
 * Deletes up to `limit` tasks of runs that ended before `cutoff`; their log
 * lines, metadata, log usage and cursors go with them (`on delete cascade`).
 * Returns how many tasks it deleted.
 *
 * @example
 * while ((await deleteOldTasks(db, cutoff, 500)) > 0) await pause();
 */
export async function deleteOldTasks(db: Queryable, cutoff: Date, limit: number): Promise<number> {
  const rows = await db.query(
    `delete from tasks where id in (
       select t.id from processes p join tasks t on t.process_id = p.id where ${OLD_RUN} limit $2
     ) returning 1`,
    [cutoff, limit],
  );
  return rows.length;
}

/**
 * Deletes up to `limit` runs that ended before `cutoff` and have no tasks
 * left (their notifications go with them), and the trigger requests that
 * started them. Returns how many runs it deleted.
 */
export async function deleteEmptiedRuns(db: Database, cutoff: Date, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `delete from processes where id in (
         select p.id from processes p
         where ${OLD_RUN} and not exists (select 1 from tasks t where t.process_id = p.id)
         limit $2
       ) returning id`,
      [cutoff, limit],
    );
    if (rows.length > 0) {
      await tx.query('delete from trigger_requests where process_id = any($1::uuid[])', [
        rows.map((r) => r.id),
      ]);
    }
    return rows.length;
  });
}

/**
 * Embedded PGlite runs no autovacuum: the space of deleted history is made
 * reusable here, one table at a time.
 */
export async function vacuumHistory(db: Queryable): Promise<void> {
  for (const table of ['task_log_entries', 'task_metadata_entries', 'task_log_usage', 'tasks', 'processes']) {
    await db.query(`vacuum ${table}`);
  }
}
