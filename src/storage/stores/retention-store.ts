import type { Database, Queryable } from '../database.js';

// A run is history once it is finished and ended before the cutoff. It started before it ended, so the
// started_at index (processes_by_start) finds the candidates oldest first. Both deletes work on the
// oldest $2 of them only: emptied runs go at once, so those are the ones still holding tasks, and a
// batch costs the same however much history lies behind it.
const OLDEST_RUNS = `select p.id from processes p
  where p.started_at < $1 and p.status <> 'running' and p.ended_at < $1
  order by p.started_at limit $2`;

/**
 * Deletes up to `limit` tasks of the oldest `limit` runs that ended before `cutoff`; their log
 * lines, metadata, log usage and cursors go with them (`on delete cascade`).
 * Returns how many tasks it deleted.
 *
 * @example
 * while ((await deleteOldTasks(db, cutoff, 500)) > 0) await pause();
 */
export async function deleteOldTasks(db: Queryable, cutoff: Date, limit: number): Promise<number> {
  const rows = await db.query(
    `delete from tasks where id in (
       select t.id from (${OLDEST_RUNS}) p join tasks t on t.process_id = p.id limit $2
     ) returning 1`,
    [cutoff, limit],
  );
  return rows.length;
}

/**
 * Deletes those of the oldest `limit` runs that ended before `cutoff` that have no tasks
 * left (their notifications go with them), and the trigger requests that
 * started them. Returns how many runs it deleted.
 */
export async function deleteEmptiedRuns(db: Database, cutoff: Date, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `delete from processes where id in (
         select p.id from (${OLDEST_RUNS}) p where not exists (select 1 from tasks t where t.process_id = p.id)
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
